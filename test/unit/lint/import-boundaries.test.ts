import { ESLint } from 'eslint';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../helpers/cli.js';

/**
 * The layers in eslint.config.mjs, checked against imports a change could add: each wrong import must fail lint
 * with the boundary rule, and the allowed import beside it must pass, so the rule neither sleeps nor blocks too much.
 */
const eslint = new ESLint({ cwd: ROOT });

async function boundaryErrors(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${source}\nexport const used = x;\n`, { filePath: path.join(ROOT, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const cases: Array<{ file: string; wrong: string; allowed: string; says: RegExp }> = [
  {
    file: 'renderer/src/features/findings/NewPanel.tsx',
    wrong: "import { x } from '../../../../electron/engine/app.js';",
    allowed: "import { x } from '@shared/domain/finding.js';",
    says: /shared API contract/,
  },
  {
    file: 'renderer/src/lib/new-helper.ts',
    wrong: "import { x } from 'node:fs';",
    allowed: "import { x } from './format.js';",
    says: /never touches Node/,
  },
  {
    file: 'renderer/src/app/NewShell.tsx',
    wrong: "import { x } from 'electron';",
    allowed: "import { x } from '../features/findings/FindingsView.js';",
    says: /Only electron\/shell imports Electron/,
  },
  {
    file: 'shared/domain/new-model.ts',
    wrong: "import { x } from '../../electron/engine/app.js';",
    allowed: "import { x } from './finding.js';",
    says: /shared API contract|imports nothing of ours/,
  },
  {
    file: 'shared/domain/new-model.ts',
    wrong: "import { x } from '../../renderer/src/lib/format.js';",
    allowed: "import { x } from '../api/contract.js';",
    says: /imports nothing of ours/,
  },
  {
    file: 'electron/engine/collect/new-collector.ts',
    wrong: "import { x } from 'electron';",
    allowed: "import { x } from 'node:fs';",
    says: /Only electron\/shell imports Electron/,
  },
  {
    file: 'electron/engine/collect/new-collector.ts',
    wrong: "import { x } from '../../../renderer/src/lib/format.js';",
    allowed: "import { x } from '@shared/domain/finding.js';",
    says: /does not import the UI/,
  },
  {
    file: 'electron/engine/collect/new-collector.ts',
    wrong: "import { x } from '../../../shared/domain/finding.js';",
    allowed: "import { x } from '@shared/domain/finding.js';",
    says: /Import shared\/ as '@shared/,
  },
  {
    file: 'renderer/src/features/findings/NewPanel.tsx',
    wrong: "import { x } from '../../../../shared/api/contract.js';",
    allowed: "import { x } from '@shared/api/contract.js';",
    says: /Import shared\/ as '@shared/,
  },
  {
    file: 'renderer/src/features/findings/NewPanel.tsx',
    wrong: "import { x } from '../network/force-graph.js';",
    allowed: "import { x } from '../../lib/format.js';",
    says: /each other's internals/,
  },
  {
    file: 'renderer/src/features/findings/NewPanel.tsx',
    wrong: "import { x } from '../../features/network/force-graph.js';",
    allowed: "import { x } from '../../workbench/api-context.js';",
    says: /each other's internals/,
  },
  {
    file: 'renderer/src/components/NewBar.tsx',
    wrong: "import { x } from '../features/engines/EngineRail.js';",
    allowed: "import { x } from '../lib/format.js';",
    says: /never import them or app/,
  },
  {
    file: 'renderer/src/workbench/new-context.tsx',
    wrong: "import { x } from '../app/views.js';",
    allowed: "import { x } from '../api/client.js';",
    says: /never import them or app/,
  },
];

describe('import boundaries enforced by ESLint', () => {
  for (const c of cases) {
    it(`${c.file}: ${c.wrong.replace(/^import \{ x \} from /, '')}`, async () => {
      const wrong = await boundaryErrors(c.file, c.wrong);
      expect(wrong.length).toBeGreaterThan(0);
      expect(wrong.join('\n')).toMatch(c.says);
      expect(await boundaryErrors(c.file, c.allowed)).toEqual([]);
    });
  }

  it('only electron/shell may import Electron', async () => {
    expect(await boundaryErrors('electron/shell/new-window.ts', "import { x } from 'electron';")).toEqual([]);
  });
});
