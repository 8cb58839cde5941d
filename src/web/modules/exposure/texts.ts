/**
 * The Vietnamese texts of the exposure pages travel with the pages' chunk, not the citizen entry (which has a size
 * budget): only the navigation label is in src/web/i18n/exposure.vi.json. English is whole in exposure.en.json, part
 * of the English chunk. Importing this module adds them once.
 */
import i18n from 'i18next';
import vi from './texts.vi.json';

i18n.addResourceBundle('vi', 'translation', vi, true, false);
