/**
 * Imports point down: nodes → providers → core (DEVELOPERS.md). The core
 * (nodes/shared/) knows no provider and no node; a provider knows no node.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');

function importsOf(dir: string): Array<{ file: string; from: string }> {
	const found: Array<{ file: string; from: string }> = [];
	for (const entry of readdirSync(path.join(root, dir), { recursive: true, withFileTypes: true })) {
		if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
		const file = path.join(entry.parentPath, entry.name);
		for (const match of readFileSync(file, 'utf8').matchAll(/^import[^;]*?from '([^']+)';/gms)) {
			found.push({ file: path.relative(root, file), from: path.relative(root, path.resolve(path.dirname(file), match[1])) });
		}
	}
	return found;
}

it('the core imports only itself and its libraries', () => {
	const outside = importsOf('nodes/shared').filter(({ from }) => from.startsWith('nodes/') && !from.startsWith('nodes/shared/'));
	expect(outside).toEqual([]);
});

it('the core names no provider, not even in a comment: a provider is its folder and one registry line', () => {
	const named = readdirSync(path.join(root, 'nodes/shared'))
		.filter((file) => /hostup|installatron|mailup|wisecp|whmcs|cpanel|plesk|directadmin/i.test(readFileSync(path.join(root, 'nodes/shared', file), 'utf8')));
	expect(named).toEqual([]);
});

it('providers import the core and their own folder, never a node', () => {
	const upward = importsOf('nodes/providers').filter(
		({ from }) => from.startsWith('nodes/') && !from.startsWith('nodes/shared/') && !from.startsWith('nodes/providers'),
	);
	expect(upward).toEqual([]);
});

it('dist/ holds the core once: every node and credential requires dist/core.js, and the whole is under 520 KB (nine providers)', () => {
	const dist = path.join(root, 'dist');
	const files = readdirSync(dist, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
	const size = files.reduce((sum, entry) => sum + readFileSync(path.join(entry.parentPath, entry.name)).length, 0);
	expect(size).toBeLessThan(520 * 1024);
	const entries = files.filter((entry) => /\.(node|credentials)\.js$/.test(entry.name));
	expect(entries).toHaveLength(18);
	for (const entry of entries) {
		const code = readFileSync(path.join(entry.parentPath, entry.name), 'utf8');
		expect(code).toMatch(/require\("(\.\.\/)+core\.js"\)/);
		// zod lives in core.js only.
		expect(code).not.toContain('ZodError');
	}
});
