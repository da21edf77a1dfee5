/**
 * `npm run scan`: n8n's verification gate (@n8n/scan-community-package,
 * scanner/scanner.mjs), replayed offline for every package
 * (build/packages.json) with the scanner's own exported functions, on the
 * source each package's release attests:
 *
 *   the source   the tree of the repository the package is published from, at
 *                the commit its release would attest, as `git archive` gives
 *                it (the gate downloads GitHub's archive of that commit): a
 *                split repository's HEAD for a per-service package
 *                (scripts/split.js); for the all-in-one, this repository's tree
 *                as a commit of the working tree would hold it (in CI, HEAD's);
 *   step 3       findPackageRoot() must find the package at the root of that
 *                tree (no package.json of that name: the gate fails with
 *                "unlocatable source repository"); n8n's next lint forbids a
 *                package below the root (`no-monorepo`: no
 *                `repository.directory`), and npm's provenance needs
 *                `repository.url` to name the repository it is published from,
 *                so both are checked here too; then the source leg:
 *                analyzePackage() over SOURCE_FILE_PATTERNS;
 *   step 4       the tarball leg: analyzePackage() over the packed package's
 *                .js files and package.json (the tarball `npm run package`
 *                makes, from the same folder).
 *
 * And this repository's tree holds no package.json of a per-service package,
 * so the gate cannot find a wrong one here.
 *
 *   node scripts/scan.mjs                                   every package
 *   node scripts/scan.mjs --only <name> [--source-repo <git dir>]
 *       one package, its source taken from another repository (the tests plant
 *       faults in a copy of a split repository this way)
 *
 * Run after `npm run build`.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { SOURCE_FILE_PATTERNS, analyzePackage, findPackageRoot } from '@n8n/scan-community-package/scanner/scanner.mjs';

// eslint-plugin-n8n-nodes-base judges a fixed file name of its own tests when
// NODE_ENV is "test" (as jest sets it), not the file it lints; n8n's gate runs without it.
delete process.env.NODE_ENV;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { ALL_IN_ONE, listPackages } = createRequire(import.meta.url)('./packages.js');

/** A GitHub repository URL as npm's provenance and package.json name it, compared without the noise. */
const normalizeRepositoryUrl = (url) => url.replace(/^git\+/, '').replace(/\.git$/, '').replace(/\/$/, '').toLowerCase();

/** The tree a commit of this repository's working tree would hold: tracked and untracked files, .gitignore applied. */
function workingTree(repo) {
	const index = path.join(mkdtempSync(path.join(tmpdir(), 'sso-link-index-')), 'index');
	try {
		const env = { ...process.env, GIT_INDEX_FILE: index };
		execFileSync('git', ['add', '--all'], { cwd: repo, env });
		return execFileSync('git', ['write-tree'], { cwd: repo, env, encoding: 'utf8' }).trim();
	} finally {
		rmSync(path.dirname(index), { recursive: true, force: true });
	}
}

/** `git archive` of `treeish` in `repo`, unpacked into a new folder under `work`. */
function archive(repo, treeish, work) {
	const into = mkdtempSync(path.join(work, 'source-'));
	const tar = path.join(work, `${path.basename(into)}.tar`);
	execFileSync('git', ['archive', '--format=tar', '-o', tar, treeish], { cwd: repo });
	execFileSync('tar', ['-xf', tar, '-C', into]);
	rmSync(tar);
	return into;
}

function pack(dir, work) {
	const into = mkdtempSync(path.join(work, 'pack-'));
	const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', into], { cwd: dir, encoding: 'utf8' }).trim().split('\n').pop();
	const unpacked = path.join(into, 'package-root');
	mkdirSync(unpacked);
	execFileSync('tar', ['-xzf', path.join(into, tarball), '-C', unpacked, '--strip-components=1']);
	return unpacked;
}

/**
 * Steps 3 and 4 of the gate for one package; returns the failures (empty
 * when it passes).
 */
export async function replayGate(entry, sourceDir, work) {
	const failures = [];
	const packageRoot = findPackageRoot(sourceDir, entry.name);
	if (!packageRoot) {
		failures.push(
			`the attested source holds no package.json named ${entry.name}: n8n's gate fails with "Could not fetch the source repository recorded in the package's npm provenance (unsupported or unlocatable source repository)"`,
		);
		return failures;
	}
	if (path.resolve(packageRoot) !== path.resolve(sourceDir)) {
		failures.push(`${entry.name} is in ${path.relative(sourceDir, packageRoot)}/, not at the repository's root (n8n's no-monorepo: one package per repository)`);
	}
	const manifest = JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8'));
	if (manifest.repository?.directory !== undefined) {
		failures.push(`package.json has repository.directory "${manifest.repository.directory}" (n8n's no-monorepo: "Community nodes must use a single-package repository")`);
	}
	const declared = typeof manifest.repository === 'string' ? manifest.repository : manifest.repository?.url;
	if (!declared || normalizeRepositoryUrl(declared) !== normalizeRepositoryUrl(entry.repository)) {
		failures.push(`package.json's repository.url is ${declared ?? 'missing'}, not ${entry.repository}, where it is published from (npm's provenance requires them to match)`);
	}
	const source = await analyzePackage(packageRoot, SOURCE_FILE_PATTERNS);
	if (!source.passed) failures.push(`source leg: ${source.message}\n${source.details ?? ''}`);
	const tarball = await analyzePackage(pack(path.join(root, entry.dir), work), ['**/*.js', 'package.json']);
	if (!tarball.passed) failures.push(`tarball leg: ${tarball.message}\n${tarball.details ?? ''}`);
	return failures;
}

async function main() {
	const args = process.argv.slice(2);
	const option = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
	const only = option('--only');
	const sourceRepo = option('--source-repo');
	const entries = listPackages(root).filter((entry) => !only || entry.name === only);
	if (entries.length === 0) throw new Error(`no package ${only} in build/packages.json`);

	const work = mkdtempSync(path.join(tmpdir(), 'sso-link-scan-'));
	let failed = false;
	try {
		const thisRepository = archive(root, workingTree(root), work);
		for (const entry of entries) {
			const repo = sourceRepo ? path.resolve(sourceRepo) : entry.name === ALL_IN_ONE ? root : path.join(root, entry.dir);
			const sourceDir = repo === root ? thisRepository : archive(repo, 'HEAD', work);
			const failures = await replayGate(entry, sourceDir, work);
			if (entry.name !== ALL_IN_ONE && findPackageRoot(thisRepository, entry.name)) {
				failures.push(`this repository holds a package.json named ${entry.name}: the gate could find it instead of ${entry.repository}`);
			}
			failed ||= failures.length > 0;
			const where = repo === root ? 'this repository' : path.relative(root, repo) || repo;
			process.stdout.write(`gate, ${entry.name} (source: ${where}): ${failures.length === 0 ? 'passed' : `FAILED\n  ${failures.join('\n  ')}`}\n`);
		}
	} finally {
		rmSync(work, { recursive: true, force: true });
	}
	process.exitCode = failed ? 1 : 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	await main();
}
