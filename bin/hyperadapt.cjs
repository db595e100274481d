#!/usr/bin/env node
// The `hyperadapt` command (`npx hyperadapt ...` in a clone). It runs the TypeScript sources
// directly through tsx's CommonJS hook (the package is CommonJS), so no build step stands
// between a change and the CLI.
require('tsx/cjs/api').register();
require('../src/main/cli/main.ts');
