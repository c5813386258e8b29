// Lint rules, and the layers of the code stated as import boundaries so that a wrong import fails CI:
// renderer and shared never reach into electron/, shared imports nothing of ours, only electron/shell imports
// Electron, a renderer feature uses another feature only through lib/ or the workbench layer, and those lower layers
// never import a feature or the app shell.
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

const electronModule = {
  name: 'electron',
  message: 'Only electron/shell imports Electron; the engine runs without it.',
};
const noElectronDir = {
  group: ['**/electron/**'],
  message: 'The renderer and shared/ reach the backend only through the shared API contract.',
};

// Outside shared/ it is reached through its alias, never by climbing directories.
const viaAlias = { regex: '^(\\.\\./)+shared/', message: "Import shared/ as '@shared/...' (tsconfig.json paths)." };

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'release/**',
      'node_modules/**',
      'test-artifacts/**',
      'coverage/**',
      'renderer/dist/**',
      '**/*.d.ts',
    ],
  },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      // Hostile input is parsed with control-character classes on purpose (terminal and text sanitising).
      'no-control-regex': 'off',
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    ignores: ['renderer/vite.config.ts'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
      'no-restricted-imports': [
        'error',
        {
          paths: [electronModule],
          patterns: [noElectronDir, viaAlias, { group: ['node:*'], message: 'The renderer never touches Node.' }],
        },
      ],
    },
  },
  {
    files: ['renderer/src/features/*/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronModule],
          patterns: [
            noElectronDir,
            viaAlias,
            { group: ['node:*'], message: 'The renderer never touches Node.' },
            {
              regex: '^\\.\\./(?!\\.\\.)[^/]+/',
              message:
                "Features do not use each other's internals: move what they share to lib/ or the workbench layer.",
            },
            {
              regex: '(^|/)features/',
              message:
                "Features do not use each other's internals: move what they share to lib/ or the workbench layer.",
            },
          ],
        },
      ],
    },
  },
  {
    // The layers under the features serve every view, so they never reach up into a feature or the app shell.
    files: ['renderer/src/{lib,workbench,components,api}/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronModule],
          patterns: [
            noElectronDir,
            viaAlias,
            { group: ['node:*'], message: 'The renderer never touches Node.' },
            {
              regex: '(^|/)(features|app)/',
              message: 'lib/, workbench/, components/ and api/ serve the features and never import them or app/.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronModule],
          patterns: [
            noElectronDir,
            { group: ['../../*', '!../../shared/**'], message: 'shared/ imports nothing of ours outside shared/.' },
            { group: ['**/renderer/**'], message: 'shared/ imports nothing of ours outside shared/.' },
          ],
        },
      ],
    },
  },
  {
    files: ['electron/**/*.ts'],
    ignores: ['electron/shell/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronModule],
          patterns: [viaAlias, { group: ['**/renderer/**'], message: 'The backend does not import the UI.' }],
        },
      ],
    },
  },
  {
    files: ['electron/shell/**/*.ts', 'test/**/*.{ts,tsx}'],
    rules: { 'no-restricted-imports': ['error', { patterns: [viaAlias] }] },
  },
  {
    files: ['test/**/*.{ts,tsx}'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
