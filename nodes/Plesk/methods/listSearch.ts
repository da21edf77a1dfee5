import { plesk } from '../../providers/plesk';

/** The resource picker lives with the provider, where the SSO Link node finds it too. */
export const { searchPleskCustomers } = plesk.listSearch;
