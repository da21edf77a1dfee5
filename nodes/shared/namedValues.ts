/** One name/value pair of a credential's list (a `fixedCollection` of `values`). */
export interface NamedValue {
	name: string;
	value: string;
}

/** The pairs of a credential list field (`{ values: [{ name, value }] }`); pairs without a name are left out. */
export function namedValues(field: unknown): NamedValue[] {
	const values = field !== null && typeof field === 'object' ? (field as { values?: unknown }).values : undefined;
	if (!Array.isArray(values)) return [];
	return values.flatMap((entry: unknown) => {
		const pair = (entry ?? {}) as { name?: unknown; value?: unknown };
		const name = String(pair.name ?? '').trim();
		return name ? [{ name, value: String(pair.value ?? '') }] : [];
	});
}
