/**
 * The vaccination platform's API types for the web app: `Static<typeof …>` of the schemas its routes declare
 * (type-only: erased at build).
 */
import type { Static } from 'typebox';
import type * as V from '../../server/modules/vaccination/schemas.ts';

export type ProductList = Static<typeof V.ProductList>;
export type PriorityGroupList = Static<typeof V.PriorityGroupList>;
export type VaccinationRecord = Static<typeof V.VaccinationRecord>;
export type DoseView = Static<typeof V.DoseView>;
export type CheckInView = Static<typeof V.CheckInView>;
export type ChecklistView = Static<typeof V.ChecklistView>;
export type ScreeningResult = Static<typeof V.ScreeningResult>;
export type DoseBody = Static<typeof V.DoseBody>;
export type DoseCreated = Static<typeof V.DoseCreated>;
export type SiteList = Static<typeof V.SiteList>;
export type LotList = Static<typeof V.LotList>;
export type SessionList = Static<typeof V.SessionList>;
export type InvitationResult = Static<typeof V.InvitationResult>;
export type RegistrationList = Static<typeof V.RegistrationList>;
export type CorrectionList = Static<typeof V.CorrectionList>;
export type CorrectionView = Static<typeof V.CorrectionView>;
export type StatsResponse = Static<typeof V.StatsResponse>;
export type AefiList = Static<typeof V.AefiList>;
