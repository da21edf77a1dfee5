import { z } from 'zod';
import type { ZodTypeAny } from 'zod';

import { isHttpUrl } from './urls';

/** Which provider a link or an error came from; the `provider` field of every output. */
export const providerIdSchema = z.enum(['hostup', 'installatron', 'mailup', 'wisecp', 'custom']);
export type ProviderId = z.infer<typeof providerIdSchema>;

/** What a login link opens; the `target` field of every createSsoLink output. */
export const linkTargetSchema = z.enum([
	'wordpressAdmin',
	'controlPanel',
	'applicationAdmin',
	'console',
	'clientArea',
	'custom',
]);
export type LinkTarget = z.infer<typeof linkTargetSchema>;

const isoUtc = z.string().datetime({ offset: true });

/** A login link as a provider returns it: an http(s) URL, nothing a browser would run. */
export const httpUrlSchema = z.string().refine(isHttpUrl, 'not an http(s) URL');

/**
 * The normalized output of every createSsoLink operation (CONTRACT.md). Saved
 * workflows read these fields by name: add fields, never rename them.
 */
export const ssoLinkSchema = z
	.object({
		provider: providerIdSchema,
		target: linkTargetSchema,
		resourceId: z.string().nullable(),
		// A login link is a web page: javascript:, data:, file: … are refused.
		url: z.string().refine(isHttpUrl, 'not an http(s) URL'),
		expiresAt: isoUtc.nullable(),
		expiresInSeconds: z.number().int().nonnegative().nullable(),
		singleUse: z.boolean().nullable(),
		createdAt: isoUtc,
	})
	.strict();
export type SsoLink = z.infer<typeof ssoLinkSchema>;

/**
 * A field of a mint answer that the link can do without (its lifetime, its
 * single use, an id the request already names): its value when present and
 * valid, otherwise null. By the time the provider answers it has minted the
 * link, so only the link itself may fail the answer; throwing the link away
 * over an extra would cost the user a second one (README, "The link output").
 */
export function readIfValid<T extends ZodTypeAny>(schema: T) {
	return schema.nullable().catch(null);
}

/** Ten years: longer than any login link lives. */
const LONGEST_LIFETIME_SECONDS = 10 * 365 * 24 * 3600;

export interface MintedLink {
	url: string;
	resourceId: string | null;
	/** A timestamp the provider gave, taken verbatim. */
	expiresAt?: string | null;
	/** A lifetime the provider gave (or documents); expiresAt is computed from it. */
	expiresInSeconds?: number | null;
	singleUse: boolean | null;
}

/**
 * Builds the normalized link. Unknown lifetime or single-use stays null: a
 * guess here would make a workflow trust a link longer than it lives.
 */
export function normalizeSsoLink(
	provider: ProviderId,
	target: LinkTarget,
	minted: MintedLink,
	now: Date = new Date(),
): SsoLink {
	let expiresAt: string | null = null;
	let expiresInSeconds: number | null = null;
	// A lifetime beyond any real link's (or a date JavaScript cannot hold) is
	// nonsense from the provider: reported as unknown rather than trusted.
	const plausible = (seconds: number) => Number.isFinite(seconds) && seconds >= 0 && seconds <= LONGEST_LIFETIME_SECONDS;
	if (minted.expiresAt) {
		const at = new Date(minted.expiresAt);
		const seconds = Math.round((at.getTime() - now.getTime()) / 1000);
		if (!Number.isNaN(at.getTime()) && seconds <= LONGEST_LIFETIME_SECONDS) {
			expiresAt = at.toISOString();
			expiresInSeconds = Math.max(0, seconds);
		}
	} else if (typeof minted.expiresInSeconds === 'number' && plausible(minted.expiresInSeconds)) {
		expiresInSeconds = Math.round(minted.expiresInSeconds);
		expiresAt = new Date(now.getTime() + expiresInSeconds * 1000).toISOString();
	}
	return ssoLinkSchema.parse({
		provider,
		target,
		resourceId: minted.resourceId,
		url: minted.url,
		expiresAt,
		expiresInSeconds,
		singleUse: minted.singleUse,
		createdAt: now.toISOString(),
	});
}

/**
 * Field names that hold secrets in provider listings (Installatron's `db-pass`,
 * any password, secret, token or key). Listing outputs never carry them.
 */
const SECRET_FIELD = /(pass(word)?|passwd|secret|token|api[-_]?key|private[-_]?key)$/i;

export function isSecretFieldName(name: string): boolean {
	return SECRET_FIELD.test(name.replace(/[^a-z0-9]+$/i, ''));
}

/**
 * A deep copy of a listed resource without any field whose name says it holds a
 * secret, nor any field `alsoOmit` matches (a provider's own sensitive fields).
 */
export function withoutSecretFields<T>(value: T, alsoOmit?: RegExp): T {
	if (Array.isArray(value)) return value.map((entry) => withoutSecretFields(entry, alsoOmit)) as T;
	if (value !== null && typeof value === 'object') {
		const copy: Record<string, unknown> = {};
		for (const [key, entry] of Object.entries(value as Record<string, unknown>)) {
			if (!isSecretFieldName(key) && !alsoOmit?.test(key)) copy[key] = withoutSecretFields(entry, alsoOmit);
		}
		return copy as T;
	}
	return value;
}

/** Describes the first problem zod found, for an error message: "data[2].id: Required". */
export function describeZodIssue(error: z.ZodError): string {
	const issue = error.issues[0];
	if (!issue) return 'unexpected shape';
	const path = issue.path
		.map((part, index) => (typeof part === 'number' ? `[${part}]` : index === 0 ? part : `.${part}`))
		.join('');
	return `${path || '(body)'}: ${issue.message}`;
}
