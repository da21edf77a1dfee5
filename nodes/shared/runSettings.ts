import type { ICredentialDataDecryptedObject, IExecuteFunctions } from 'n8n-workflow';

import { PERSON_WAIT_MS } from './gate';
import type { RetryPolicy } from './retry';
import { DEFAULT_RETRY_POLICY } from './retry';

/**
 * Why a request of a node run stopped waiting although nothing went wrong with
 * it: another item failed (without Continue On Fail) or the run ended. It is
 * the reason of the run's signal, passed through the transport untouched so
 * the runner never takes it for the item's own failure.
 */
export class RunStopped extends Error {}

/** What one node run's requests share. Traffic control is per process (gate.ts). */
export interface RunSettings {
	/**
	 * Not a node run: a person in the editor waits for the answer (a resource
	 * picker), so the request goes first and waits seconds at most (gate.ts).
	 */
	person: boolean;
	policy: RetryPolicy;
	/** Request Options' cap on requests in flight to the provider; undefined: the provider's default. */
	maxInFlight?: number;
	/** How many items may be worked on at once. */
	itemConcurrency: number;
	/** Aborts when the execution is cancelled or the run stops (reason: RunStopped). */
	signal?: AbortSignal;
	/** Stops every request of the run that is still waiting. */
	stop(reason: RunStopped): void;
	/** Credentials read once per run, by type (see runCredentials). */
	credentials?: Map<string, Promise<ICredentialDataDecryptedObject>>;
}

/** A person in the editor waits seconds, not an item's Max Retry Wait (gate.ts). */
const DEFAULT_SETTINGS: RunSettings = {
	person: true,
	policy: { ...DEFAULT_RETRY_POLICY, maxWaitSeconds: PERSON_WAIT_MS / 1000 },
	itemConcurrency: 1,
	stop: () => undefined,
};

/** Items of one run worked on at once; each waits for its turn with the provider (gate.ts). */
const ITEM_CONCURRENCY = 10_000;

// Keyed by the node run's context: n8n makes one per node run, so nothing here
// outlives the run or is shared between executions.
const settingsByRun = new WeakMap<object, RunSettings>();

/** The settings of the run a context belongs to (defaults for pickers and credential tests). */
export function runSettings(ctx: object): RunSettings {
	return settingsByRun.get(ctx) ?? DEFAULT_SETTINGS;
}

interface RequestOptions {
	maxConcurrency?: number;
	maxRetries?: number;
	maxRetryWait?: number;
	timeout?: number;
}

function positive(value: unknown): number | undefined {
	const number = Number(value);
	return Number.isFinite(number) && number > 0 ? number : undefined;
}

/** Reads the node's Request Options and sets up the run. */
export function beginRun(ctx: IExecuteFunctions): RunSettings {
	const options = (ctx.getNodeParameter('requestOptions', 0, {}) ?? {}) as RequestOptions;
	const cap = positive(options.maxConcurrency);
	const maxRetries = Number(options.maxRetries);
	const stopper = new AbortController();
	const cancel = ctx.getExecutionCancelSignal?.();
	const settings: RunSettings = {
		person: false,
		policy: {
			maxRetries: Number.isInteger(maxRetries) && maxRetries >= 0 ? maxRetries : DEFAULT_RETRY_POLICY.maxRetries,
			maxWaitSeconds: positive(options.maxRetryWait) ?? DEFAULT_RETRY_POLICY.maxWaitSeconds,
			timeoutMs: Math.round((positive(options.timeout) ?? DEFAULT_RETRY_POLICY.timeoutMs / 1000) * 1000),
		},
		maxInFlight: cap === undefined ? undefined : Math.floor(cap),
		itemConcurrency: cap === undefined ? ITEM_CONCURRENCY : Math.min(ITEM_CONCURRENCY, Math.floor(cap)),
		signal: cancel ? AbortSignal.any([cancel, stopper.signal]) : stopper.signal,
		stop: (reason) => {
			if (!stopper.signal.aborted) stopper.abort(reason);
		},
		credentials: new Map(),
	};
	settingsByRun.set(ctx, settings);
	return settings;
}

export function endRun(ctx: IExecuteFunctions): void {
	settingsByRun.get(ctx)?.stop(new RunStopped('the node run ended'));
	settingsByRun.delete(ctx);
}

/**
 * The decrypted credential, read once per node run rather than once per
 * request: n8n reads it from its database and decrypts it on every call, which
 * costs more than the request itself when hundreds of items run. Every request
 * of the run shares the object, so a token the credential renews
 * (`preAuthentication`) is renewed for all of them. Credential fields that are
 * expressions over item data are therefore resolved for the run's first item.
 */
export async function runCredentials(
	ctx: Pick<IExecuteFunctions, 'getCredentials'>,
	type: string,
	itemIndex: number,
): Promise<ICredentialDataDecryptedObject> {
	const cache = settingsByRun.get(ctx)?.credentials;
	if (!cache) return await ctx.getCredentials(type, itemIndex);
	let credentials = cache.get(type);
	if (!credentials) {
		credentials = ctx.getCredentials(type, itemIndex);
		cache.set(type, credentials);
		// A failed read is not kept: the next item tries again.
		credentials.catch(() => cache.delete(type));
	}
	return await credentials;
}
