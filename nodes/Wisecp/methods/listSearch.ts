import { wisecp } from '../../providers/wisecp';

/** The resource pickers live with the provider, where the SSO Link node finds them too. */
export const { searchWisecpClients } = wisecp.listSearch;
