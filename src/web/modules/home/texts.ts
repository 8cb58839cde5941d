/**
 * The Vietnamese texts of the role homes and the outbreak overview travel with the staff chunk, not the citizen entry
 * (which has a size budget): only the navigation labels are in src/web/i18n/vi.json. English is in
 * src/web/i18n/home-admin.en.json, part of the English chunk. Importing this module adds them once.
 */
import i18n from 'i18next';
import vi from './texts.vi.json';

i18n.addResourceBundle('vi', 'translation', vi, true, false);
