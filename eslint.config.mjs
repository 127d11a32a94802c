// ESLint flat config: typescript-eslint's type-checked rules everywhere, and a purity fence
// around engine/ so the same engine code runs deterministically in the simulator.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [
  'assert', 'buffer', 'child_process', 'cluster', 'crypto', 'dgram', 'dns', 'events', 'fs',
  'fs/promises', 'http', 'http2', 'https', 'net', 'os', 'path', 'perf_hooks', 'process',
  'readline', 'stream', 'timers', 'tls', 'url', 'util', 'v8', 'vm', 'worker_threads', 'zlib',
];

/** Rules that keep engine/ free of the wall clock, timers, ambient randomness and host APIs. */
export const enginePurityRules = {
  'no-restricted-imports': ['error', {
    paths: nodeBuiltins.map((name) => ({ name, message: 'engine/ is pure: get I/O from the injected NodeRuntime.' })),
    patterns: [
      { group: ['node:*'], message: 'engine/ is pure: no Node built-ins (use the injected NodeRuntime).' },
      { group: ['react', 'react/*', 'react-dom', 'react-dom/*', 'next', 'next/*'], message: 'engine/ is pure: no React or Next.' },
      { group: ['lmdb', 'msgpackr', '@node-rs/*', 'prom-client'], message: 'engine/ is pure: host packages belong in server/.' },
      { group: ['../server/*', '../../server/*', '../../../server/*', '@/server/*', '@/app/*', '@/components/*'], message: 'engine/ never imports from server/, app/ or components/.' },
    ],
  }],
  'no-restricted-globals': ['error',
    { name: 'Date', message: 'engine/ has no wall clock: use runtime.clock.nowMs().' },
    { name: 'setTimeout', message: 'engine/ has no timers: use runtime.timers.schedule().' },
    { name: 'setInterval', message: 'engine/ has no timers: use runtime.timers.schedule().' },
    { name: 'setImmediate', message: 'engine/ has no timers: use runtime.timers.schedule().' },
    { name: 'queueMicrotask', message: 'engine/ must not schedule work outside the runtime.' },
    { name: 'performance', message: 'engine/ has no wall clock: use runtime.clock.nowMs().' },
    { name: 'process', message: 'engine/ is pure: no process.' },
    { name: 'require', message: 'engine/ is pure: no require.' },
    { name: 'console', message: 'engine/ logs through runtime.log.' },
    { name: 'fetch', message: 'engine/ talks through runtime.transport.' },
    { name: 'crypto', message: 'engine/ gets randomness from runtime.random.' },
  ],
  'no-restricted-properties': ['error',
    { object: 'Math', property: 'random', message: 'engine/ gets randomness from runtime.random (seeded).' },
    { object: 'Date', property: 'now', message: 'engine/ has no wall clock: use runtime.clock.nowMs().' },
    { object: 'globalThis', property: 'setTimeout', message: 'engine/ has no timers.' },
  ],
};

export default tseslint.config(
  { ignores: ['node_modules/', '.next/', 'data/', '.tmp/', 'test-results/', 'playwright-report/', 'next-env.d.ts', '**/*.mjs', '**/*.js'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-confusing-void-expression': 'off',
      '@typescript-eslint/no-unnecessary-condition': ['error', { allowConstantLoopConditions: true }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-console': 'off',
    },
  },
  {
    files: ['engine/**/*.ts'],
    ignores: ['engine/**/*.test.ts'],
    rules: enginePurityRules,
  },
  {
    files: ['**/*.test.ts', 'e2e/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    rules: {
      '@typescript-eslint/no-floating-promises': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
);
