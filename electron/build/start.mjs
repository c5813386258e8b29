// `npm start`: opens the desktop app; where the Electron binary is missing, says so and serves the UI to a browser.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);

function run(cmd, args) {
  const child = spawn(cmd, args, { stdio: 'inherit', cwd: root });
  child.on('exit', (code) => process.exit(code ?? 0));
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
}

if (!existsSync(path.join(root, 'dist/cli.mjs')) || !existsSync(path.join(root, 'dist/renderer/index.html'))) {
  const build = spawn(process.execPath, [path.join(root, 'electron/build/build.mjs')], { stdio: 'inherit', cwd: root });
  await new Promise((r) => build.on('exit', r));
}

/**
 * The Electron binary, fetched once if npm skipped it. Requiring the `electron` package instead would try the
 * download itself and print a stack trace where there is no network: here a failure is summed up in one line.
 */
function findElectron() {
  let dir;
  try {
    dir = path.dirname(require.resolve('electron/package.json'));
  } catch {
    return { reason: 'the electron package is not installed' };
  }
  const located = () => {
    const pathFile = path.join(dir, 'path.txt');
    if (!existsSync(pathFile)) return undefined;
    const bin = path.join(
      process.env.ELECTRON_OVERRIDE_DIST_PATH || path.join(dir, 'dist'),
      readFileSync(pathFile, 'utf8').trim(),
    );
    return existsSync(bin) ? bin : undefined;
  };
  const found = located();
  if (found) return { bin: found };
  if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) return { reason: 'ELECTRON_SKIP_BINARY_DOWNLOAD is set' };
  const install = spawnSync(process.execPath, [path.join(dir, 'install.js')], { encoding: 'utf8', timeout: 300_000 });
  const bin = located();
  if (bin) return { bin };
  const why = `${install.stderr ?? ''}\n${install.stdout ?? ''}`
    .split('\n')
    .map((l) => l.trim())
    .find((l) => /error|fail/i.test(l));
  return { reason: `its download failed${why ? ` (${why.slice(0, 160)})` : ''}` };
}

const electron = findElectron();

if (electron.bin) {
  run(electron.bin, [root]);
} else {
  console.error(
    `The Electron binary is not installed here (${electron.reason}), so the desktop window cannot open; serving the same UI to your browser instead.`,
  );
  run(process.execPath, [path.join(root, 'dist/cli.mjs'), 'serve', ...process.argv.slice(2)]);
}
