import { installatron } from '../../providers/installatron';

/** The resource pickers live with the provider, where the SSO Link node finds them too. */
export const { searchInstallatronInstalls } = installatron.listSearch;
