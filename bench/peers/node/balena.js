// ctxlens benchmark peer: @balena/dockerignore (the npm port of Docker's
// matcher used by balena-cli and others) on the same `du -ab` listing and
// .dockerignore. The library has no directory walk, so every file path is
// decided on its own (its `filter`), as its users do.
//
// Setup: npm ci --prefix bench/peers/node
// Usage: node balena.js IGNOREFILE LISTING
// Prints one JSON object: {"files":N,"bytes":B}.
'use strict';
const fs = require('fs');
const ignore = require('@balena/dockerignore');

const [ignoreFile, listing] = process.argv.slice(2);
if (!listing) {
  console.error('usage: node balena.js IGNOREFILE LISTING');
  process.exit(2);
}
// Docker matches case-sensitively on Linux; the library's default is not.
const ig = ignore({ ignorecase: false }).add(fs.readFileSync(ignoreFile, 'utf8'));

const entries = [];
for (const line of fs.readFileSync(listing, 'utf8').split('\n')) {
  const tab = line.indexOf('\t');
  if (tab < 0) continue;
  let p = line.slice(tab + 1);
  if (p.startsWith('./')) p = p.slice(2);
  if (p === '.' || p === '') continue;
  entries.push([p, Number(line.slice(0, tab))]);
}
// A path is a directory when another path lies below it.
const dirs = new Set();
for (const [p] of entries) {
  for (let i = p.indexOf('/'); i >= 0; i = p.indexOf('/', i + 1)) dirs.add(p.slice(0, i));
}
let files = 0;
let bytes = 0;
for (const [p, size] of entries) {
  if (dirs.has(p)) continue;
  if (!ig.ignores(p)) {
    files += 1;
    bytes += size;
  }
}
console.log(JSON.stringify({ files, bytes }));
