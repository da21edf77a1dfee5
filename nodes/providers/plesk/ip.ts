/**
 * IP addresses as Plesk's `user_ip` takes them: one IPv4 address in dotted
 * decimal, or one IPv6 address in its text forms (RFC 4291 §2.2: groups of
 * one to four hex digits, one `::`, an IPv4 tail). Nothing else: no port, no
 * brackets, no zone (`%eth0`), no list, no network.
 */

const IPV4_PART = /^(?:0|[1-9][0-9]{0,2})$/;

/** Four decimal numbers 0-255 joined by dots; a leading zero is refused (some read it as octal). */
export function isIpv4(text: string): boolean {
	const parts = text.split('.');
	return parts.length === 4 && parts.every((part) => IPV4_PART.test(part) && Number(part) <= 255);
}

const HEX_GROUP = /^[0-9A-Fa-f]{1,4}$/;

export function isIpv6(text: string): boolean {
	if (text.length > 45 || text.length < 2) return false;
	const halves = text.split('::');
	if (halves.length > 2) return false;
	const groupsOf = (half: string): string[] | undefined => (half === '' ? [] : half.split(':'));
	const head = groupsOf(halves[0]);
	const tail = halves.length === 2 ? groupsOf(halves[1]) : [];
	if (!head || !tail) return false;
	const groups = [...head, ...tail];
	// An IPv4 address may stand for the last two groups, at the very end (not before a closing `::`).
	let count = groups.length;
	const last = (halves.length === 2 ? tail : head).at(-1);
	if (last !== undefined && last.includes('.')) {
		if (!isIpv4(last)) return false;
		groups.pop();
		count += 1;
	}
	if (!groups.every((group) => HEX_GROUP.test(group))) return false;
	return halves.length === 2 ? count <= 7 : count === 8;
}

export function isIpAddress(text: string): boolean {
	return isIpv4(text) || isIpv6(text);
}
