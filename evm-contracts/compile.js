#!/usr/bin/env node
// Compiles contracts/*.sol with the solc pinned in package.json (standard
// JSON, optimizer on, 200 runs) and writes <Contract>.abi and <Contract>.bin
// for each deployable contract into the output directory (default:
// artifacts/ beside this script). Output is deterministic: the same sources
// and compiler give byte-identical files, which the Go freshness test checks.
//
// Usage: node compile.js [outDir]
'use strict';

const fs = require('fs');
const path = require('path');
const solc = require('solc');

// Contracts whose artifacts are written; the rest are libraries, interfaces
// and abstract bases compiled into these.
const TARGETS = ['LinkToken', 'Oracle', 'ExampleConsumer'];
const EXPECTED_COMPILER = require('./package.json').dependencies.solc;

function main() {
  const srcDir = path.join(__dirname, 'contracts');
  const outDir = path.resolve(process.argv[2] || path.join(__dirname, 'artifacts'));

  const version = solc.version();
  if (!version.startsWith(EXPECTED_COMPILER + '+')) {
    throw new Error(`solc ${version} is installed but package.json pins ${EXPECTED_COMPILER}; run npm ci`);
  }

  // Source unit names are bare file names, so imports like "./CBOR.sol"
  // resolve among them and no absolute path reaches the metadata hash.
  const sources = {};
  for (const file of fs.readdirSync(srcDir).filter((f) => f.endsWith('.sol')).sort()) {
    sources[file] = { content: fs.readFileSync(path.join(srcDir, file), 'utf8') };
  }

  const input = {
    language: 'Solidity',
    sources,
    settings: {
      optimizer: { enabled: true, runs: 200 },
      outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
    },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: missingImport }));

  const problems = output.errors || [];
  for (const p of problems) {
    process.stderr.write((p.formattedMessage || p.message) + '\n');
  }
  if (problems.some((p) => p.severity === 'error')) {
    throw new Error('compilation failed');
  }

  fs.mkdirSync(outDir, { recursive: true });
  for (const name of TARGETS) {
    const contract = (output.contracts[`${name}.sol`] || {})[name];
    if (!contract || !contract.evm.bytecode.object) {
      throw new Error(`no bytecode for ${name}; it must live in contracts/${name}.sol`);
    }
    fs.writeFileSync(path.join(outDir, `${name}.abi`), JSON.stringify(contract.abi, null, 2) + '\n');
    // No trailing newline: abigen embeds the .bin file's bytes verbatim.
    fs.writeFileSync(path.join(outDir, `${name}.bin`), contract.evm.bytecode.object);
  }
  process.stdout.write(`compiled ${TARGETS.join(', ')} with solc ${version} into ${outDir}\n`);
}

function missingImport(p) {
  return { error: `import ${p} not found: every source must be in contracts/` };
}

try {
  main();
} catch (err) {
  process.stderr.write(`compile.js: ${err.message}\n`);
  process.exit(1);
}
