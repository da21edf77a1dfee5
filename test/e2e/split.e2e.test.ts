/**
 * The split repositories as their releases use them, offline (README, "Where
 * the source lives"): the release's push (scripts/push-splits.js) into local
 * bare repositories standing in for GitHub's, checked by branch and tag; a
 * fresh clone of each at the tag builds, lints and is eligible for n8n Cloud
 * with nothing but its own files (`npm ci`, `npm run build`, `npm run lint`,
 * `n8n-node cloud-support`), and packs the very files of the tarball the other
 * e2e suites test; a later release moves main only when the tree changed, and
 * never moves a published tag.
 *
 * It runs once per CI run, with the pinned n8n (nothing here depends on n8n's version).
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = path.resolve(__dirname, '../..');
const { ALL_IN_ONE, listPackages } = require('../../scripts/packages') as {
	ALL_IN_ONE: string;
	listPackages(root: string): Array<{ name: string; dir: string; commit?: string }>;
};
const { pushSplit } = require('../../scripts/push-splits') as {
	pushSplit(dir: string, name: string, tag: string, remote: string): { commit: string; mainMoved: boolean; tagPushed: boolean };
};

const pinned = execFileSync('bash', [path.join(root, 'scripts/install-n8n.sh'), '--pinned-version'], { encoding: 'utf8' }).trim();
const describeOnce = !process.env.N8N_VERSION || process.env.N8N_VERSION === pinned ? describe : describe.skip;

const splits = listPackages(root).filter((entry) => entry.name !== ALL_IN_ONE);
const version = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version as string;
const tag = `v${version}`;
/**
 * The environment of a contributor's shell: no NODE_ENV (jest sets "test", and
 * eslint-plugin-n8n-nodes-base then judges a file name of its own tests), no colours.
 */
const { NODE_ENV: _jest, FORCE_COLOR: _colour, ...shell } = process.env;
const plainEnv = { ...shell, NO_COLOR: '1' };
const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

/** The files of a packed tarball, by path, as text. */
function tarballFiles(tarball: string): Record<string, string> {
	const into = mkdtempSync(path.join(path.dirname(tarball), 'unpacked-'));
	execFileSync('tar', ['-xzf', tarball, '-C', into]);
	const files: Record<string, string> = {};
	for (const entry of readdirSync(into, { recursive: true, withFileTypes: true })) {
		if (entry.isFile()) files[path.relative(into, path.join(entry.parentPath, entry.name))] = readFileSync(path.join(entry.parentPath, entry.name), 'utf8');
	}
	return files;
}

async function pack(dir: string, destination: string): Promise<string> {
	const { stdout } = await run('npm', ['pack', '--silent', '--pack-destination', destination], { cwd: dir });
	return path.join(destination, stdout.trim().split('\n').pop() ?? '');
}

describeOnce('split repositories, pushed and cloned as their releases do', () => {
	let work: string;
	const remote = (name: string) => path.join(work, 'remotes', `${name}.git`);

	beforeAll(() => {
		work = mkdtempSync(path.join(tmpdir(), 'sso-link-split-'));
		for (const entry of splits) execFileSync('git', ['init', '--quiet', '--bare', '--initial-branch=main', remote(entry.name)]);
	});
	afterAll(() => rmSync(work, { recursive: true, force: true }));

	it("the release's push gives each repository main and the version tag at the split's commit", () => {
		const output = execFileSync(process.execPath, [path.join(root, 'scripts/push-splits.js'), tag, '--remote', path.join(work, 'remotes', '{name}.git')], {
			cwd: root,
			encoding: 'utf8',
		});
		for (const entry of splits) {
			expect(output).toContain(`push-splits, ${entry.name}: main pushed at ${entry.commit!.slice(0, 12)}, ${tag} pushed`);
			expect(git(root, 'ls-remote', remote(entry.name))).toBe(`${entry.commit}\tHEAD\n${entry.commit}\trefs/heads/main\n${entry.commit}\trefs/tags/${tag}`);
		}
	});

	it('a second push of the same release changes nothing', () => {
		const output = execFileSync(process.execPath, [path.join(root, 'scripts/push-splits.js'), tag, '--remote', path.join(work, 'remotes', '{name}.git')], {
			cwd: root,
			encoding: 'utf8',
		});
		for (const entry of splits) {
			expect(output).toContain(`push-splits, ${entry.name}: main unchanged at ${entry.commit!.slice(0, 12)}, ${tag} already there`);
		}
	});

	it.each(splits.map((entry) => [entry.name, entry] as const))(
		'a fresh clone of %s at the tag installs, builds, lints, is eligible and packs the tarball that was tested',
		async (name, entry) => {
			const clone = path.join(work, 'clones', name);
			mkdirSync(path.dirname(clone), { recursive: true });
			await run('git', ['clone', '--quiet', '--branch', tag, remote(name), clone]);
			await run('npm', ['ci', '--no-audit', '--no-fund'], { cwd: clone, env: plainEnv, maxBuffer: 64 * 1024 * 1024 });
			await run('npm', ['run', 'build'], { cwd: clone, env: plainEnv });
			const lint = await run('npm', ['run', 'lint'], { cwd: clone, env: plainEnv });
			expect(lint.stdout).not.toMatch(/problem/);
			const { stdout } = await run('npx', ['--no-install', 'n8n-node', 'cloud-support'], { cwd: clone, env: plainEnv });
			expect(stdout.replace(/\u001b\[[0-9;]*m/g, '')).toMatch(/Status: eligible/);
			// A planted violation makes that same lint fail, so its pass above means something.
			writeFileSync(path.join(clone, 'nodes/shared/urls.ts'), `${readFileSync(path.join(clone, 'nodes/shared/urls.ts'), 'utf8')}\nexport const planted = process.env.HOME;\n`);
			await expect(run('npm', ['run', 'lint'], { cwd: clone, env: plainEnv })).rejects.toMatchObject({ code: 1 });
			git(clone, 'checkout', '--', 'nodes/shared/urls.ts');

			const packs = path.join(work, 'packs', name);
			mkdirSync(packs, { recursive: true });
			const fromClone = tarballFiles(await pack(clone, mkdtempSync(path.join(packs, 'clone-'))));
			const tested = tarballFiles(await pack(path.join(root, entry.dir), mkdtempSync(path.join(packs, 'tested-'))));
			expect(Object.keys(fromClone).sort()).toEqual(Object.keys(tested).sort());
			for (const file of Object.keys(tested)) expect([file, fromClone[file]]).toEqual([file, tested[file]]);
			expect(Object.keys(tested)).toEqual(expect.arrayContaining(['package/dist/core.js', 'package/package.json', 'package/README.md', 'package/LICENSE']));
			rmSync(clone, { recursive: true, force: true });
		},
		6 * 60_000,
	);

	describe('a later release', () => {
		const name = splits[0].name;
		let next: string;

		beforeAll(() => {
			// What `npm run split` makes of a later commit here: one commit of its own, a new version and tree.
			next = path.join(work, 'next', name);
			execFileSync('git', ['clone', '--quiet', path.join(root, splits[0].dir), next]);
			const manifest = JSON.parse(readFileSync(path.join(next, 'package.json'), 'utf8'));
			manifest.version = '99.0.0';
			writeFileSync(path.join(next, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
			const tree = (git(next, 'add', '--all'), git(next, 'write-tree'));
			const commit = execFileSync('git', ['commit-tree', tree, '-m', 'Split of a later commit'], {
				cwd: next,
				encoding: 'utf8',
				env: { ...process.env, GIT_AUTHOR_NAME: 'split', GIT_AUTHOR_EMAIL: 'split@example.com', GIT_COMMITTER_NAME: 'split', GIT_COMMITTER_EMAIL: 'split@example.com' },
			}).trim();
			git(next, 'update-ref', 'refs/heads/main', commit);
		});

		it('never moves a published tag: pushing the old version from another tree fails and pushes nothing', () => {
			const manifest = JSON.parse(readFileSync(path.join(next, 'package.json'), 'utf8'));
			writeFileSync(path.join(next, 'package.json'), `${JSON.stringify({ ...manifest, version }, null, 2)}\n`);
			try {
				expect(() => pushSplit(next, name, tag, remote(name))).toThrow(`a published version's source never moves`);
			} finally {
				git(next, 'checkout', '--', 'package.json');
			}
			expect(git(root, 'ls-remote', remote(name), 'refs/heads/main')).toBe(`${splits[0].commit}\trefs/heads/main`);
		});

		it('moves main by one fast-forward commit holding the new tree, and tags it', () => {
			const result = pushSplit(next, name, 'v99.0.0', remote(name));
			expect(result).toMatchObject({ mainMoved: true, tagPushed: true });
			const bare = remote(name);
			expect(git(bare, 'rev-parse', 'refs/heads/main')).toBe(result.commit);
			expect(git(bare, 'rev-parse', 'refs/tags/v99.0.0')).toBe(result.commit);
			expect(git(bare, 'rev-parse', `${result.commit}^`)).toBe(splits[0].commit);
			expect(git(bare, 'rev-parse', `${result.commit}^{tree}`)).toBe(git(next, 'rev-parse', 'main^{tree}'));
			expect(git(bare, 'rev-parse', `refs/tags/${tag}`)).toBe(splits[0].commit);
		});
	});
});
