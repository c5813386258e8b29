// `npm start`: opens the desktop app; where the Electron binary is missing, says so and serves the UI to a browser.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
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

let electronBinary;
try {
  electronBinary = require('electron');
  if (typeof electronBinary !== 'string' || !existsSync(electronBinary)) electronBinary = undefined;
} catch {
  electronBinary = undefined;
}

if (electronBinary) {
  run(electronBinary, [root]);
} else {
  console.error('The Electron binary is not installed here, so the desktop window cannot open; serving the same UI to your browser instead.');
  run(process.execPath, [path.join(root, 'dist/cli.mjs'), 'serve', ...process.argv.slice(2)]);
}
