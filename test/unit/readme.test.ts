// The README's key table is generated from the key table (scripts/readme-keys.ts): it must not drift.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { readmeKeyTable } from '../../scripts/readme-keys.js';

test('README.md\'s key table is the one generated from src/keys/table.ts', () => {
  const readme = fs.readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const start = readme.indexOf('<!-- keys:start -->');
  const end = readme.indexOf('<!-- keys:end -->');
  assert.ok(start >= 0 && end > start, 'README.md has the key table markers');
  assert.equal(readme.slice(start + '<!-- keys:start -->'.length, end).trim(), readmeKeyTable(), 'run: node --import tsx scripts/readme-keys.ts');
});
