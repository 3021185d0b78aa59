// Builds dist/nodescrub.mjs: one self-contained file (every dependency bundled) that runs with a plain
// `node nodescrub.mjs …` where there is no node_modules, e.g. on a bastion without internet.
// ssh2's optional native crypto binding cannot be bundled: ssh2 then uses its pure-JS crypto.
import { build } from 'esbuild';

await build({
  entryPoints: ['src/cli/main.ts'],
  outfile: 'dist/nodescrub.mjs',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  // Native add-ons stay out: ssh2 and cpu-features catch their absence and fall back.
  external: ['*.node', 'cpu-features'],
  // Bundled CommonJS packages (ssh2) call require(): give the ESM bundle one.
  // ... and the CommonJS module variables they read (ssh2 resolves a helper path from __dirname).
  banner: {
    js: [
      "import { createRequire as __nsCreateRequire } from 'node:module';",
      "import { fileURLToPath as __nsFileURLToPath } from 'node:url';",
      "import { dirname as __nsDirname } from 'node:path';",
      'const require = __nsCreateRequire(import.meta.url);',
      'const __filename = __nsFileURLToPath(import.meta.url);',
      'const __dirname = __nsDirname(__filename);',
    ].join(' '),
  },
  legalComments: 'none',
  logLevel: 'warning',
});
console.log('built dist/nodescrub.mjs');
