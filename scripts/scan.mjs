/**
 * `npm run scan`: n8n's verification scanner (@n8n/scan-community-package),
 * both of its ESLint legs, on every package (build/<package name>/,
 * scripts/packages.js) as n8n would see it once published:
 *   1. the source: package.json, nodes/ and credentials/ (SOURCE_FILE_PATTERNS);
 *   2. the packed tarball, unpacked: every .js file and package.json.
 * Its CLI downloads a published package from npm; an unpublished one is
 * scanned through its exported analyzePackage. Run after `npm run build`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { SOURCE_FILE_PATTERNS, analyzePackage } from '@n8n/scan-community-package/scanner/scanner.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { listPackages } = createRequire(import.meta.url)('./packages.js');
const work = mkdtempSync(path.join(tmpdir(), 'sso-link-scan-'));
let failed = false;

async function leg(name, dir, patterns) {
	const result = await analyzePackage(dir, patterns);
	process.stdout.write(`scanner, ${name}: ${result.passed ? 'passed' : `FAILED (${result.message})`}\n`);
	if (!result.passed) {
		failed = true;
		if (result.details) process.stdout.write(`${result.details}\n`);
	}
}

try {
	for (const entry of listPackages(root)) {
		const dir = path.join(root, entry.dir);
		await leg(`${entry.name} source`, dir, SOURCE_FILE_PATTERNS);
		const into = mkdtempSync(path.join(work, 'pack-'));
		const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', into], { cwd: dir, encoding: 'utf8' }).trim().split('\n').pop();
		execFileSync('tar', ['-xzf', path.join(into, tarball), '-C', into]);
		await leg(`${entry.name} tarball`, path.join(into, 'package'), ['**/*.js', 'package.json']);
	}
} finally {
	rmSync(work, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;
