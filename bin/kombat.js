#!/usr/bin/env node
// The CLI is compiled TypeScript; `make` (or `npm run build`) produces dist/.
try {
  require.resolve('../dist/cli/main.js');
} catch {
  console.error('kombat: dist/ is missing; run `make build` (or `npm run build`) first.');
  process.exit(2);
}
require('../dist/cli/main.js');
