/**
 * The Vietnamese texts of the vaccination pages travel with the pages' chunks, not the citizen entry (which has a
 * size budget): only the navigation labels are in src/web/i18n/vaccination.vi.json. English is whole in
 * vaccination.en.json, part of the English chunk. Importing this module adds them once.
 */
import i18n from 'i18next';
import vi from './texts.vi.json';

i18n.addResourceBundle('vi', 'translation', vi, true, false);
