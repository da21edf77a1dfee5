/**
 * Where a WISECP login link lands: every `destination` of
 * WISECP's CreateClientSsoToken documentation, grouped and named for
 * people, with the raw value shown as the description. `values` says what
 * `destination_values` the destination takes.
 */
export interface Destination {
	value: string;
	group: 'Client Area' | 'Website' | 'Knowledge Base' | 'Products' | 'Cart & Order' | 'Account' | 'Legal';
	name: string;
	values?: string;
}

export const DESTINATIONS: readonly Destination[] = [
	{ value: 'my-account', group: 'Client Area', name: 'Home' },
	{ value: 'ac-ps-info', group: 'Client Area', name: 'Account Details' },
	{ value: 'ac-ps-balance', group: 'Client Area', name: 'Account Credit' },
	{ value: 'ac-ps-invoices', group: 'Client Area', name: 'Invoices' },
	// The four detail pages open one record, so they take its ID (WISECP's table
	// leaves their values column blank; its client area addresses them by ID).
	{ value: 'ac-ps-detail-invoice', group: 'Client Area', name: 'Invoice Detail', values: 'the invoice ID' },
	{ value: 'ac-ps-messages', group: 'Client Area', name: 'Messages' },
	{ value: 'ac-ps-message-d', group: 'Client Area', name: 'Message Detail', values: 'the message ID' },
	{ value: 'ac-ps-tickets', group: 'Client Area', name: 'Support Tickets' },
	{ value: 'ac-ps-creq-ticket', group: 'Client Area', name: 'Create Support Ticket' },
	{ value: 'ac-ps-detail-ticket', group: 'Client Area', name: 'Support Ticket Detail', values: 'the ticket ID' },
	{ value: 'ac-ps-products', group: 'Client Area', name: 'All Services' },
	{
		value: 'ac-ps-products-t',
		group: 'Client Area',
		name: 'Services of a Product Group',
		values: "the product group: hosting, server, domain, software or special-<id>",
	},
	{ value: 'ac-ps-product', group: 'Client Area', name: 'Service Detail', values: 'the service (order) ID' },
	{ value: 'ac-ps-sms', group: 'Client Area', name: 'International SMS' },
	{ value: 'home', group: 'Website', name: 'Homepage' },
	{ value: 'news', group: 'Website', name: 'News' },
	{ value: 'news_detail', group: 'Website', name: 'News Detail', values: 'the page route (pages_lang.route)' },
	{ value: 'articles', group: 'Website', name: 'Articles' },
	{ value: 'articles_category', group: 'Website', name: 'Article Category', values: 'the category route (categories_lang.route)' },
	{ value: 'articles_detail', group: 'Website', name: 'Article Detail', values: 'the page route (pages_lang.route)' },
	{ value: 'references', group: 'Website', name: 'References' },
	{ value: 'references_category', group: 'Website', name: 'Reference Category', values: 'the category route (categories_lang.route)' },
	{ value: 'normal_detail', group: 'Website', name: 'Page Detail', values: 'the page route (pages_lang.route)' },
	{ value: 'newsletter-send', group: 'Website', name: 'E-Newsletter Sign-Up' },
	{ value: 'contact', group: 'Website', name: 'Contact Page' },
	{ value: 'license', group: 'Website', name: 'License Verification' },
	{ value: 'international-sms', group: 'Website', name: 'International SMS' },
	{ value: 'affiliate-link', group: 'Website', name: 'Affiliate Referral Link' },
	{ value: 'sitemap.xml', group: 'Website', name: 'Sitemap' },
	{ value: 'kbase', group: 'Knowledge Base', name: 'Knowledge Base' },
	{ value: 'kbase_category', group: 'Knowledge Base', name: 'Category', values: 'the category route (categories_lang.route)' },
	{ value: 'kbase_detail', group: 'Knowledge Base', name: 'Article', values: 'the article route (knowledgebase_lang.route)' },
	{ value: 'products', group: 'Products', name: 'Product Category', values: "hosting, server, or a category route (categories_lang.route)" },
	{ value: 'softwares', group: 'Products', name: 'Software' },
	{ value: 'softwares_cat', group: 'Products', name: 'Software Category', values: 'the category route (categories_lang.route)' },
	{ value: 'software_detail', group: 'Products', name: 'Software Product Detail', values: 'the page route (pages_lang.route)' },
	{ value: 'domain', group: 'Products', name: 'Domain Names' },
	{
		value: 'order-steps',
		group: 'Cart & Order',
		name: 'Order Steps',
		values: 'the product group (hosting, server, domain, software, special) and the product ID',
	},
	{ value: 'basket', group: 'Cart & Order', name: 'Cart' },
	{ value: 'basket-payment', group: 'Cart & Order', name: 'Cart Payment Options' },
	{ value: 'basket-pay', group: 'Cart & Order', name: 'Cart Checkout' },
	{ value: 'pay-successful', group: 'Cart & Order', name: 'Payment Completed' },
	{ value: 'pay-failed', group: 'Cart & Order', name: 'Payment Failed' },
	{ value: 'sign-up', group: 'Account', name: 'Register' },
	{ value: 'sign-out', group: 'Account', name: 'Log Out' },
	{ value: 'sign-forget', group: 'Account', name: 'Reset Password' },
	{ value: 'contract1', group: 'Legal', name: 'Service and Use Agreement' },
	{ value: 'contract2', group: 'Legal', name: 'Personal Data and Privacy Policy' },
];
// WISECP's table also lists a "Login" destination whose value it does not
// name; it is left out until the value is known.

/** The dropdown value for "a URL of my own" (WISECP takes a URL as destination too). */
export const CUSTOM_URL_DESTINATION = 'customUrl';

export const DESTINATIONS_WITH_VALUES = DESTINATIONS.filter((entry) => entry.values).map((entry) => entry.value);
