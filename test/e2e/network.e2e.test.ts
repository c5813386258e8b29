import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { artifactPath } from '../helpers/browser.js';
import { useWebApp } from '../helpers/web-app.js';
import { docker, removeSuite, runContainer, TEST_LABEL } from '../helpers/docker.js';

const SUITE = 'e2e-network';

/** Two containers on an internal network (no route out): the client holds a TCP session to the server's nc listener. */
describe('network graph in web mode', () => {
  const app = useWebApp({ name: 'network', viewport: { width: 1440, height: 900 } });
  let page: Page;
  const net = `sw-views-net-${process.pid}`;
  const server = `sw-net-srv-${process.pid}`;
  const client = `sw-net-cli-${process.pid}`;

  beforeAll(async () => {
    await removeSuite(SUITE);
    for (const n of await docker.listNetworks({ filters: { label: [`${TEST_LABEL}=${SUITE}`] } }))
      await docker
        .getNetwork(n.Id)
        .remove()
        .catch(() => undefined);
    await docker.createNetwork({ Name: net, Internal: true, Labels: { [TEST_LABEL]: SUITE } });
    const srv = await runContainer({
      suite: SUITE,
      name: server,
      cmd: ['sh', '-c', 'while true; do sleep 3600 | nc -l -p 9000; done'],
      hostConfig: { NetworkMode: net },
    });
    const ip = ((await srv.inspect()).NetworkSettings.Networks[net] as { IPAddress: string }).IPAddress;
    await runContainer({
      suite: SUITE,
      name: client,
      cmd: ['sh', '-c', `while true; do nc ${ip} 9000 -e sleep 3600; sleep 1; done`],
      hostConfig: { NetworkMode: net },
    });
    page = await app.start(undefined, { goto: false });
  });
  afterAll(async () => {
    await app.close();
    await removeSuite(SUITE);
    await docker
      .getNetwork(net)
      .remove()
      .catch(() => undefined);
  });

  it('draws the edge from the client container to the server listener', async () => {
    await page.goto(app.url);
    await page.getByTestId('engine-status').filter({ hasText: 'connected' }).waitFor({ timeout: 15_000 });
    await page.getByTestId('tab-network').click();
    const graph = page.getByTestId('network-graph');
    await graph.waitFor({ timeout: 30_000 });
    // With processes collapsed, the session reads container -> container listener.
    await page.getByRole('checkbox', { name: 'processes' }).uncheck();
    const row = page
      .getByTestId('network-connection')
      .filter({ hasText: client })
      .filter({ hasText: `${server} :9000/tcp` });
    await expect.poll(() => row.count(), { timeout: 30_000, interval: 1000 }).toBeGreaterThan(0);
    expect(await row.first().textContent()).toContain('internal');
    expect(await row.first().textContent()).toContain('ESTABLISHED');
    await page.getByRole('checkbox', { name: 'processes' }).check();
    // With processes shown, the client side is the process holding the socket (nc -e hands it to sleep).
    await expect
      .poll(() =>
        page
          .getByTestId('network-connection')
          .filter({ hasText: /sleep \(\d+\)/ })
          .filter({ hasText: `${server} :9000/tcp` })
          .count(),
      )
      .toBeGreaterThan(0);
  });

  it('filters by port, state and direction', async () => {
    const port = page.getByLabel('Filter by port');
    await port.fill('9001');
    await expect.poll(() => page.getByTestId('network-connection').filter({ hasText: server }).count()).toBe(0);
    await port.fill('9000');
    await expect
      .poll(() => page.getByTestId('network-connection').filter({ hasText: server }).count())
      .toBeGreaterThan(0);
    await page.getByLabel('Filter by socket state').selectOption('LISTEN');
    await expect.poll(() => page.getByTestId('network-connection').count()).toBe(0);
    await page.getByLabel('Filter by socket state').selectOption('all');
    await page.getByRole('checkbox', { name: 'internal' }).uncheck();
    await expect.poll(() => page.getByTestId('network-connection').filter({ hasText: server }).count()).toBe(0);
    await page.getByRole('checkbox', { name: 'internal' }).check();
    await port.fill('');
  });

  it('settles, selects a node and pins it by dragging', async () => {
    const canvas = page.getByTestId('network-canvas');
    await expect.poll(() => canvas.getAttribute('data-settled'), { timeout: 20_000 }).toBe('true');
    await page.getByTestId('network-node').filter({ hasText: server }).first().click();
    await expect.poll(() => page.getByTestId('network-details').textContent()).toContain(server);
    await page.waitForTimeout(600);
    const box = (await canvas.boundingBox())!;
    // The selected node is centred: drag it from the centre and drop it elsewhere.
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 60, box.y + box.height / 2 + 40, { steps: 8 });
    await page.mouse.move(box.x + box.width / 2 + 120, box.y + box.height / 2 + 60, { steps: 8 });
    await page.mouse.up();
    await expect.poll(() => canvas.getAttribute('data-pinned')).toBe('1');
    await page.keyboard.press('f');
    await page.waitForTimeout(500);
    await page.screenshot({ path: artifactPath('network.png') });
    await page.keyboard.press('t');
    await page.waitForTimeout(300);
    await page.screenshot({ path: artifactPath('network-dark.png') });
    await page.keyboard.press('t');
  });
});
