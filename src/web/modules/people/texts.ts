/**
 * The Vietnamese texts of the staff's list of national IDs to verify travel with the staff chunk, not the citizen
 * entry (which has a size budget): the rest of the people texts are in src/web/i18n/vi.json. English is in
 * src/web/i18n/en.json (`people.claims`), part of the English chunk. Importing this module adds them once.
 */
import i18n from 'i18next';
import vi from './texts.vi.json';

i18n.addResourceBundle('vi', 'translation', vi, true, false);
