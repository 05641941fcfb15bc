#!/usr/bin/env node
// The CLI bundle is built by `npm install` (the `prepare` script). Building on demand here keeps
// `npx datalineage` working in a checkout where install ran with --ignore-scripts.
'use strict';
const path = require('path');
const fs = require('fs');
const bundle = path.join(__dirname, '..', 'dist', 'cli.js');
if (!fs.existsSync(bundle)) {
  require('child_process').execFileSync(process.execPath, [path.join(__dirname, '..', 'scripts', 'build.mjs')], { stdio: ['ignore', 'ignore', 'inherit'] });
}
// Until main() answers, an exit is a failure: a run that ends without an answer must never
// look like a passing CI gate.
process.exitCode = 2;
require(bundle).main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
