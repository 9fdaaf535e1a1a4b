#!/usr/bin/env node
// Installed entry point: runs the compiled CLI (build with `npm run build`).
import '../dist/src/bin/ddd.js';
