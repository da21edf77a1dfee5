/**
 * `npm run split`: each per-service package as a repository of its own
 * (CONTRACT: one repository per package), written to
 * build/repos/<package name>/ as a git repository (branch main, one commit
 * whose message names this repository's commit).
 *
 * n8n's verification gate lints the source that a package's npm provenance
 * attests: the repository and commit its release ran in, where it looks for
 * the directory whose package.json has the package's name. A per-service
 * package published from this repository would attest a tree that holds no
 * such package.json, and n8n's lint is to forbid monorepos
 * (`repository.directory`), so each is published from a repository generated
 * from here, read-only: work happens here (README, "Where the source lives").
 *
 * A split repository holds that package's whole source and nothing of another
 * provider: its node, its provider folder, the core, its credential and
 * credentials/authentication.ts (all a credential imports besides the core),
 * its icons; package.json, a package-lock.json cut from this repository's (the
 * same versions, nothing re-resolved), tsconfig.json, n8n's default
 * eslint.config.mjs, LICENSE, the README made from README.md, gulpfile.js with
 * scripts/build-package.js (the build every package of this tree uses) and its
 * release workflow (scripts/split/release.yml). The same source gives the
 * same tree, and the same commit of this repository the same commit there:
 * author and dates come from this repository's HEAD, so a second split
 * changes nothing.
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

/** The devDependencies a split repository's build and lint need, at this repository's versions. */
const SPLIT_DEV_DEPENDENCIES = ['@n8n/node-cli', 'esbuild', 'eslint', 'gulp', 'n8n-workflow', 'typescript', 'zod'];

/** What a split repository runs (README "Where the source lives"). */
const SPLIT_SCRIPTS = { build: 'gulp build', lint: 'n8n-node lint' };

/** Kept across splits: the repository itself and what its own build and install write (ignored there). */
const KEPT = new Set(['.git', 'node_modules', 'dist']);

const TEMPLATES = path.join(__dirname, 'split');

const TSCONFIG = {
	compilerOptions: {
		strict: true,
		module: 'commonjs',
		moduleResolution: 'node',
		target: 'es2022',
		lib: ['es2022'],
		// The nodes run inside n8n: no Node.js globals (n8n's lint forbids them in nodes too).
		types: [],
		esModuleInterop: true,
		skipLibCheck: true,
		forceConsistentCasingInFileNames: true,
		noImplicitReturns: true,
		noUnusedLocals: true,
		noUnusedParameters: true,
		resolveJsonModule: true,
		isolatedModules: true,
		noEmit: true,
	},
	include: ['credentials/**/*.ts', 'nodes/**/*.ts'],
};

function git(cwd, args, env = {}) {
	return execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, ...env } }).trim();
}

/** The commit of this repository a split names, and the identity and dates its commits take from it. */
function sourceCommit(root) {
	const [sha, date] = git(root, ['log', '-1', '--format=%H%n%cI']).split('\n');
	const dirty = git(root, ['status', '--porcelain', '--untracked-files=normal']) !== '';
	return { sha, date, dirty };
}

/**
 * The lockfile of a package whose devDependencies are a subset of this
 * repository's: every entry of package-lock.json that those dependencies
 * reach, where it is (Node's resolution walks up node_modules folders), with
 * the same versions and integrity hashes. `npm ci` installs it as it stands.
 */
function pruneLockfile(rootLock, manifest) {
	const packages = rootLock.packages;
	const kept = new Map();
	const resolve = (from, name) => {
		let dir = from;
		for (;;) {
			const candidate = `${dir ? `${dir}/` : ''}node_modules/${name}`;
			if (packages[candidate]) return candidate;
			if (!dir) return undefined;
			const parent = dir.lastIndexOf('/node_modules/');
			dir = parent < 0 ? '' : dir.slice(0, parent);
		}
	};
	const visit = (from, dependencies, optional) => {
		for (const name of Object.keys(dependencies ?? {})) {
			const at = resolve(from, name);
			if (!at) {
				if (optional.has(name)) continue;
				throw new Error(`package-lock.json: ${name} (needed by ${from || 'the package'}) is not in the lockfile`);
			}
			if (kept.has(at)) continue;
			const entry = packages[at];
			kept.set(at, entry);
			const optionalOfEntry = new Set([
				...Object.keys(entry.optionalDependencies ?? {}),
				...Object.entries(entry.peerDependenciesMeta ?? {}).filter(([, meta]) => meta.optional).map(([peer]) => peer),
			]);
			visit(at, { ...entry.dependencies, ...entry.optionalDependencies, ...entry.peerDependencies }, optionalOfEntry);
		}
	};
	visit('', manifest.devDependencies, new Set());
	const rootEntry = {
		name: manifest.name,
		version: manifest.version,
		license: manifest.license,
		devDependencies: manifest.devDependencies,
		engines: manifest.engines,
		peerDependencies: manifest.peerDependencies,
	};
	const sorted = [...kept.keys()].sort();
	return {
		name: manifest.name,
		version: manifest.version,
		lockfileVersion: rootLock.lockfileVersion,
		requires: true,
		packages: { '': rootEntry, ...Object.fromEntries(sorted.map((key) => [key, kept.get(key)])) },
	};
}

/** package.json of a split repository: what it publishes, and what builds and lints it there. */
function splitManifest(rootPackage, fields, repositoryUrl) {
	const devDependencies = Object.fromEntries(
		SPLIT_DEV_DEPENDENCIES.map((name) => {
			const version = rootPackage.devDependencies[name];
			if (!version) throw new Error(`package.json has no devDependency ${name}, which split repositories build with`);
			return [name, version];
		}),
	);
	return {
		name: fields.name,
		version: rootPackage.version,
		description: fields.description,
		license: rootPackage.license,
		homepage: `${repositoryUrl}#readme`,
		bugs: { url: `${rootPackage.homepage.replace(/#readme$/, '')}/issues` },
		author: rootPackage.author,
		repository: { type: 'git', url: `git+${repositoryUrl}.git` },
		keywords: fields.keywords,
		files: ['dist'],
		engines: rootPackage.engines,
		scripts: SPLIT_SCRIPTS,
		n8n: { n8nNodesApiVersion: 1, strict: true, credentials: fields.credentials, nodes: fields.nodes },
		peerDependencies: rootPackage.peerDependencies,
		devDependencies,
	};
}

function writeFile(dir, relative, contents) {
	const to = path.join(dir, relative);
	fs.mkdirSync(path.dirname(to), { recursive: true });
	fs.writeFileSync(to, contents);
}

function copyInto(root, dir, relative) {
	const to = path.join(dir, relative);
	fs.mkdirSync(path.dirname(to), { recursive: true });
	fs.cpSync(path.join(root, relative), to, { recursive: true });
}

/**
 * Writes one split repository's files into `dir` (everything but KEPT is
 * replaced). `service` is what scripts/packages.js knows of the package.
 */
function writeTree(root, dir, service, text) {
	fs.mkdirSync(dir, { recursive: true });
	for (const entry of fs.readdirSync(dir)) {
		if (!KEPT.has(entry)) fs.rmSync(path.join(dir, entry), { recursive: true, force: true });
	}
	for (const relative of service.sources) copyInto(root, dir, relative);
	for (const icon of service.icons) copyInto(root, dir, path.join('icons', icon));
	for (const codex of service.codexFiles) {
		const json = JSON.parse(fs.readFileSync(path.join(root, codex), 'utf8'));
		// The codex names the node type, which n8n prefixes with the package's name.
		json.node = `${service.manifest.name}.${json.node.split('.').pop()}`;
		writeFile(dir, codex, `${JSON.stringify(json, null, '\t')}\n`);
	}
	writeFile(dir, 'package.json', `${JSON.stringify(service.manifest, null, 2)}\n`);
	writeFile(dir, 'package-lock.json', `${JSON.stringify(pruneLockfile(text.rootLock, service.manifest), null, 2)}\n`);
	writeFile(dir, 'tsconfig.json', `${JSON.stringify(TSCONFIG, null, 2)}\n`);
	writeFile(dir, 'eslint.config.mjs', text.eslintConfig);
	writeFile(dir, 'LICENSE', text.license);
	writeFile(dir, 'README.md', service.readme);
	writeFile(dir, '.gitignore', fs.readFileSync(path.join(TEMPLATES, 'gitignore'), 'utf8'));
	writeFile(dir, '.npmrc', fs.readFileSync(path.join(TEMPLATES, 'npmrc'), 'utf8'));
	writeFile(dir, 'gulpfile.js', fs.readFileSync(path.join(TEMPLATES, 'gulpfile.js'), 'utf8'));
	writeFile(dir, 'scripts/build-package.js', fs.readFileSync(path.join(__dirname, 'build-package.js'), 'utf8'));
	writeFile(dir, '.github/workflows/release.yml', fs.readFileSync(path.join(TEMPLATES, 'release.yml'), 'utf8'));
}

/**
 * Commits the tree in `dir` as the one commit of its main branch, unless that
 * commit already holds this tree and names this source: returns the commit
 * and whether it is new.
 */
function commitTree(dir, source, sourceUrl) {
	if (!fs.existsSync(path.join(dir, '.git'))) git(dir, ['init', '--quiet', '--initial-branch=main']);
	git(dir, ['add', '--all']);
	const tree = git(dir, ['write-tree']);
	const message = splitMessage(source, sourceUrl);
	let head;
	try {
		head = git(dir, ['rev-parse', '--verify', '--quiet', 'refs/heads/main']);
	} catch {
		head = undefined;
	}
	if (head && git(dir, ['rev-parse', `${head}^{tree}`]) === tree && git(dir, ['log', '-1', '--format=%B', head]) === message) {
		return { commit: head, created: false };
	}
	const commit = git(dir, ['commit-tree', tree, '-m', message], commitEnv(source));
	git(dir, ['update-ref', 'refs/heads/main', commit]);
	git(dir, ['symbolic-ref', 'HEAD', 'refs/heads/main']);
	git(dir, ['reset', '--quiet']);
	return { commit, created: true };
}

function splitMessage(source, sourceUrl) {
	const state = source.dirty ? ' with uncommitted changes' : '';
	return `Split of ${sourceUrl}@${source.sha}${state}\n\nGenerated by npm run split (scripts/split.js) from ${sourceUrl}/commit/${source.sha}.\nThis repository is read-only: changes go to ${sourceUrl}.`;
}

/** The same author, committer and dates for the same source commit, so the same split gives the same commit. */
function commitEnv(source) {
	return {
		GIT_AUTHOR_NAME: 'n8n-nodes-sso-link split',
		GIT_AUTHOR_EMAIL: 'maintainers@n8n-nodes-sso-link.dev',
		GIT_AUTHOR_DATE: source.date,
		GIT_COMMITTER_NAME: 'n8n-nodes-sso-link split',
		GIT_COMMITTER_EMAIL: 'maintainers@n8n-nodes-sso-link.dev',
		GIT_COMMITTER_DATE: source.date,
	};
}

/**
 * Writes and commits every split repository; `services` come from
 * scripts/packages.js. Returns one line per repository.
 */
function splitRepositories(root, services, text) {
	const source = sourceCommit(root);
	const results = [];
	for (const service of services) {
		const dir = path.join(root, 'build', 'repos', service.manifest.name);
		writeTree(root, dir, service, text);
		const { commit, created } = commitTree(dir, source, text.sourceUrl);
		results.push({ name: service.manifest.name, dir, commit, created });
	}
	return results;
}

module.exports = { SPLIT_DEV_DEPENDENCIES, commitEnv, pruneLockfile, splitManifest, splitRepositories };
