/**
 * Where a WHMCS single sign-on lands: WHMCS's own `destination` values
 * (README, "WHMCS"; saved workflows hold them), named for people, with what
 * each needs besides the client.
 */
export interface WhmcsDestination {
	value: string;
	name: string;
	/** The extra field WHMCS needs for it: a service, a domain, or a path inside WHMCS. */
	takes?: 'service' | 'domain' | 'path';
}

export const CUSTOM_REDIRECT = 'sso:custom_redirect';

export const DESTINATIONS: readonly WhmcsDestination[] = [
	{ value: 'clientarea:homepage', name: 'Client Area Home' },
	{ value: 'clientarea:profile', name: 'Account Details' },
	{ value: 'clientarea:billing_info', name: 'Billing Information' },
	{ value: 'clientarea:emails', name: 'Email History' },
	{ value: 'clientarea:services', name: 'Services' },
	{ value: 'clientarea:product_details', name: 'Service Details', takes: 'service' },
	{ value: 'clientarea:upgrade', name: 'Upgrade or Downgrade a Service', takes: 'service' },
	{ value: 'clientarea:domains', name: 'Domains' },
	{ value: 'clientarea:domain_details', name: 'Domain Details', takes: 'domain' },
	{ value: 'clientarea:domain_dns', name: 'Domain DNS Management', takes: 'domain' },
	{ value: 'clientarea:domain_nameservers', name: 'Domain Nameservers', takes: 'domain' },
	{ value: 'clientarea:invoices', name: 'Invoices' },
	{ value: 'clientarea:tickets', name: 'Support Tickets' },
	{ value: 'clientarea:submit_ticket', name: 'Open a Support Ticket' },
	{ value: 'clientarea:shopping_cart', name: 'Shopping Cart' },
	{ value: CUSTOM_REDIRECT, name: 'Custom Redirect', takes: 'path' },
];

export const DEFAULT_DESTINATION = 'clientarea:homepage';

export function destinationsTaking(what: WhmcsDestination['takes']): string[] {
	return DESTINATIONS.filter((entry) => entry.takes === what).map((entry) => entry.value);
}
