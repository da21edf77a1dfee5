import { whmcs } from '../../providers/whmcs';

/** The resource pickers live with the provider, where the SSO Link node finds them too. */
export const { searchWhmcsClients, searchWhmcsServices, searchWhmcsDomains } = whmcs.listSearch;
