import { redact } from '../../nodes/shared/errors';
import { normalizeSsoLink, withoutSecretFields } from '../../nodes/shared/schemas';

const now = new Date('2026-11-22T12:00:00.000Z');

describe('normalizeSsoLink', () => {
	it('computes expiresAt from a lifetime', () => {
		expect(
			normalizeSsoLink('mailup', 'console', { url: 'https://x.example/a', resourceId: null, expiresInSeconds: 600, singleUse: null }, now),
		).toEqual({
			provider: 'mailup',
			target: 'console',
			resourceId: null,
			url: 'https://x.example/a',
			expiresAt: '2026-11-22T12:10:00.000Z',
			expiresInSeconds: 600,
			singleUse: null,
			createdAt: '2026-11-22T12:00:00.000Z',
		});
	});

	it('takes a timestamp verbatim (as UTC) and derives the seconds left', () => {
		const link = normalizeSsoLink(
			'hostup',
			'controlPanel',
			{ url: 'https://x.example/a', resourceId: 'acct_1', expiresAt: '2026-11-22T13:00:00+01:00', singleUse: true },
			now,
		);
		expect(link.expiresAt).toBe('2026-11-22T12:00:00.000Z');
		expect(link.expiresInSeconds).toBe(0);
	});

	it('keeps unknown as null, never a guess', () => {
		const link = normalizeSsoLink('installatron', 'applicationAdmin', { url: 'https://x.example/a', resourceId: '1', expiresAt: null, singleUse: null }, now);
		expect(link).toMatchObject({ expiresAt: null, expiresInSeconds: null, singleUse: null });
	});

	it('rejects a link that is not a URL', () => {
		expect(() => normalizeSsoLink('hostup', 'wordpressAdmin', { url: 'not a url', resourceId: null, singleUse: true }, now)).toThrow();
	});
});

describe('withoutSecretFields', () => {
	it('drops password, secret, token and key fields at any depth', () => {
		expect(
			withoutSecretFields({
				id: 'x',
				'db-pass': 'hunter2',
				dbPassword: 'p',
				nested: { apiKey: 'k', client_secret: 's', accessToken: 't', keep: 1 },
				list: [{ password: 'p', name: 'n' }],
				passwordChangedAt: '2026-01-01',
			}),
		).toEqual({ id: 'x', nested: { keep: 1 }, list: [{ name: 'n' }], passwordChangedAt: '2026-01-01' });
	});
});

describe('redact', () => {
	it('removes known secrets, bearer tokens and everything past a URL origin', () => {
		const text = redact('key abcd1234 Bearer eyJ.x-y and https://wp.example/wp-admin/?sso=tok#f', ['abcd1234']);
		expect(text).toBe('key [redacted] Bearer [redacted] and https://wp.example/[redacted]');
	});

	it('ignores secrets too short to be safely replaced', () => {
		expect(redact('a b c', ['a', ''])).toBe('a b c');
	});

	it("removes the user and password a URL carries, whatever follows the host", () => {
		expect(redact('see https://admin:s3cret@panel.example:2087/x and http://u:p@h', [])).toBe(
			'see https://[redacted]@panel.example:2087/[redacted] and http://[redacted]@h',
		);
	});
});
