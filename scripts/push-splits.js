/**
 * The release's last step (.github/workflows/release.yml): pushes each split
 * repository (build/repos/<package name>/, `npm run split`) to its own
 * repository, where that repository's release workflow publishes the
 * package with provenance.
 *
 *   node scripts/push-splits.js <tag>                   every split repository
 *   node scripts/push-splits.js <tag> --remote <template>
 *       another remote than https://github.com/<owner>/<package name>.git;
 *       `{name}` in the template is the package name (the tests push to local
 *       bare repositories: --remote /tmp/remotes/{name}.git)
 *
 * For each repository:
 *   - main moves only when the tree changed: the split's tree is committed on
 *     top of the remote's main (same message, author and dates as the split's
 *     commit) and pushed as a fast-forward; an unchanged tree leaves main as
 *     it is;
 *   - the tag always: it names main's commit (the published source); a tag the
 *     remote has already is left if it names that commit, and otherwise is an
 *     error (a published version's source never moves);
 *   - branch and tag in one atomic push.
 *
 * Credentials: one deploy token per repository, in SPLIT_TOKEN_<ID> (the
 * package's service id in capitals, e.g. SPLIT_TOKEN_HOSTUP), a fine-grained
 * token with contents: write on that repository alone (GITHUB_TOKEN cannot
 * push elsewhere, and its pushes start no workflow). It reaches git as an
 * HTTP header through git's environment configuration, never on a command
 * line or in a log. Local remotes need none.
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const { ALL_IN_ONE, listPackages } = require('./packages');

const root = path.resolve(__dirname, '..');
const GITHUB_REMOTE = 'https://github.com/n8n-nodes-sso-link/{name}.git';

function tokenVariable(name) {
	return `SPLIT_TOKEN_${name.slice(`${ALL_IN_ONE}-`.length).toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/** Git's environment for one remote: the token as an Authorization header for https remotes. */
function remoteEnv(name, remote) {
	if (!/^https:/.test(remote)) return {};
	const variable = tokenVariable(name);
	const token = process.env[variable];
	if (!token) throw new Error(`${variable} is not set: the deploy token of ${remote}`);
	const basic = Buffer.from(`x-access-token:${token}`).toString('base64');
	return { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'http.extraHeader', GIT_CONFIG_VALUE_0: `Authorization: Basic ${basic}`, GIT_TERMINAL_PROMPT: '0' };
}

function git(cwd, args, env = {}) {
	return execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** The commit `ref` names on the remote, or undefined. */
function remoteRef(dir, remote, ref, env) {
	const line = git(dir, ['ls-remote', remote, ref], env).split('\n').find((candidate) => candidate.endsWith(`\t${ref}`));
	return line ? line.split('\t')[0] : undefined;
}

/** The identity and dates of the split's own commit, so a commit made on top of the remote's main is reproducible too. */
function commitEnvOf(dir, commit) {
	const [authorName, authorEmail, authorDate, committerName, committerEmail, committerDate] = git(dir, [
		'log',
		'-1',
		'--format=%an%n%ae%n%aI%n%cn%n%ce%n%cI',
		commit,
	]).split('\n');
	return {
		GIT_AUTHOR_NAME: authorName,
		GIT_AUTHOR_EMAIL: authorEmail,
		GIT_AUTHOR_DATE: authorDate,
		GIT_COMMITTER_NAME: committerName,
		GIT_COMMITTER_EMAIL: committerEmail,
		GIT_COMMITTER_DATE: committerDate,
	};
}

/** Pushes one split repository; returns what it did. */
function pushSplit(dir, name, tag, remote) {
	const env = remoteEnv(name, remote);
	const version = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
	if (tag !== `v${version}`) throw new Error(`${name}: tag ${tag} is not its version v${version}`);
	const split = git(dir, ['rev-parse', 'refs/heads/main']);
	const tree = git(dir, ['rev-parse', `${split}^{tree}`]);

	let main = remoteRef(dir, remote, 'refs/heads/main', env);
	let mainMoved = false;
	if (main) {
		git(dir, ['fetch', '--quiet', '--no-tags', remote, `+refs/heads/main:refs/remotes/published/main`], env);
		if (git(dir, ['rev-parse', `${main}^{tree}`]) !== tree) {
			const message = git(dir, ['log', '-1', '--format=%B', split]);
			main = git(dir, ['commit-tree', tree, '-p', main, '-m', message], commitEnvOf(dir, split));
			mainMoved = true;
		}
	} else {
		main = split;
		mainMoved = true;
	}

	const published = remoteRef(dir, remote, `refs/tags/${tag}`, env);
	if (published && published !== main) {
		throw new Error(`${name}: ${remote} has ${tag} at ${published}, not at main's ${main}; a published version's source never moves`);
	}
	const refspecs = [...(mainMoved ? [`${main}:refs/heads/main`] : []), ...(published ? [] : [`${main}:refs/tags/${tag}`])];
	if (refspecs.length > 0) git(dir, ['push', '--quiet', '--atomic', remote, ...refspecs], env);
	git(dir, ['tag', '--force', tag, main]);
	return { name, commit: main, mainMoved, tagPushed: !published };
}

function main() {
	const args = process.argv.slice(2);
	const tag = args[0];
	if (!tag || !/^v\d+\.\d+\.\d+/.test(tag)) throw new Error('usage: node scripts/push-splits.js <tag v1.2.3> [--remote <template with {name}>]');
	const template = args.includes('--remote') ? args[args.indexOf('--remote') + 1] : GITHUB_REMOTE;
	for (const entry of listPackages(root).filter((candidate) => candidate.name !== ALL_IN_ONE)) {
		const result = pushSplit(path.join(root, entry.dir), entry.name, tag, template.replaceAll('{name}', entry.name));
		process.stdout.write(
			`push-splits, ${result.name}: main ${result.mainMoved ? 'pushed' : 'unchanged'} at ${result.commit.slice(0, 12)}, ${tag} ${result.tagPushed ? 'pushed' : 'already there'}\n`,
		);
	}
}

if (require.main === module) {
	try {
		main();
	} catch (error) {
		process.stderr.write(`push-splits: ${error.message}\n`);
		process.exitCode = 1;
	}
}

module.exports = { pushSplit, tokenVariable };
