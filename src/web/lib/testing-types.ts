/**
 * The testing platform's API types for the web app: `Static<typeof …>` of the schemas its routes declare (type-only:
 * erased at build). Kept beside `api-types.ts` so the testing screens name their types in one place.
 */
import type { Static } from 'typebox';
import type * as Testing from '../../server/modules/testing/schemas.ts';

export type LabView = Static<typeof Testing.LabView>;
export type LabList = Static<typeof Testing.LabList>;
export type CreateSampleBody = Static<typeof Testing.CreateSampleBody>;
export type PersonRef = Static<typeof Testing.PersonRef>;
export type CreatedSample = Static<typeof Testing.CreatedSample>;
export type SampleView = Static<typeof Testing.SampleView>;
export type SampleList = Static<typeof Testing.SampleList>;
export type ReservedBarcodes = Static<typeof Testing.ReservedBarcodes>;
export type ResultBody = Static<typeof Testing.ResultBody>;
export type ImportResponse = Static<typeof Testing.ImportResponse>;
export type IntakeBody = Static<typeof Testing.IntakeBody>;
export type LabQueue = Static<typeof Testing.LabQueue>;
export type QueueTube = Static<typeof Testing.QueueTube>;
export type CampaignList = Static<typeof Testing.CampaignList>;
export type CampaignView = Static<typeof Testing.CampaignView>;
export type StatsResponse = Static<typeof Testing.StatsResponse>;
export type CommuneStats = Static<typeof Testing.CommuneStats>;
export type TaskList = Static<typeof Testing.TaskList>;
export type MyTests = Static<typeof Testing.MyTests>;
export type MyTest = MyTests['items'][number];
export type SampleKind = CreateSampleBody['kind'];
