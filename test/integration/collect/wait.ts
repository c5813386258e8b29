import { access } from 'node:fs/promises';
import { docker } from '../../helpers/docker.js';

/** Waits until a container has created `path` (seen through its upper dir), so tests start from a settled state. */
export async function waitForFile(containerId: string, path: string, timeoutMs = 15_000): Promise<void> {
  const info = await docker.getContainer(containerId).inspect();
  const upper = (info.GraphDriver.Data as Record<string, string>).UpperDir;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (
      await access(`${upper}${path}`).then(
        () => true,
        () => false,
      )
    )
      return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(
    `container ${containerId.slice(0, 12)} did not create ${path} within ${timeoutMs} ms; logs: ${String(await docker.getContainer(containerId).logs({ stdout: true, stderr: true }))}`,
  );
}

export async function waitForExit(containerId: string): Promise<void> {
  await docker.getContainer(containerId).wait();
}
