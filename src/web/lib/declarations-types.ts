/**
 * The declarations module's API types for the web app: `Static<typeof …>` of the schemas its routes declare
 * (type-only: erased at build). Kept beside `api-types.ts` so the declaration screens name their types in one place.
 */
import type { Static } from 'typebox';
import type * as Declarations from '../../server/modules/declarations/schemas.ts';

export type FormView = Static<typeof Declarations.FormView>;
export type Question = Static<typeof Declarations.QuestionSchema>;
export type DeclarationBody = Static<typeof Declarations.DeclarationBody>;
export type DeclarationResult = Static<typeof Declarations.DeclarationResult>;
export type Badge = Static<typeof Declarations.Badge>;
export type TodayResponse = Static<typeof Declarations.TodayResponse>;
export type LastResponse = Static<typeof Declarations.LastResponse>;
export type MyDeclarationList = Static<typeof Declarations.MyDeclarationList>;
export type TaskList = Static<typeof Declarations.TaskList>;
export type TaskView = Static<typeof Declarations.TaskView>;
export type UpdateTaskBody = Static<typeof Declarations.UpdateTaskBody>;
export type StatsResponse = Static<typeof Declarations.StatsResponse>;
export type PartnerList = Static<typeof Declarations.PartnerList>;
export type CreatedPartner = Static<typeof Declarations.CreatedPartner>;
export type PublishFormBody = Static<typeof Declarations.PublishFormBody>;
export type CriteriaView = Static<typeof Declarations.CriteriaView>;
export type CreateEnterpriseBody = Static<typeof Declarations.CreateEnterpriseBody>;
export type AssessmentResult = Static<typeof Declarations.AssessmentResult>;
export type EnterpriseList = Static<typeof Declarations.EnterpriseList>;
export type EnterpriseSummary = Static<typeof Declarations.EnterpriseSummary>;
export type EnterpriseDetail = Static<typeof Declarations.EnterpriseDetail>;
export type InspectionBody = Static<typeof Declarations.InspectionBody>;
export type EnterpriseOwnerBody = Static<typeof Declarations.EnterpriseOwnerBody>;
export type IdResponse = Static<typeof Declarations.IdResponse>;
export type OrganisationList = Static<typeof Declarations.OrganisationList>;
export type OrganisationSummary = Static<typeof Declarations.OrganisationSummary>;
export type CreateOrganisationBody = Static<typeof Declarations.CreateOrganisationBody>;
export type AddMemberBody = Static<typeof Declarations.AddMemberBody>;
export type AddedMember = Static<typeof Declarations.AddedMember>;
export type MembersImportResult = Static<typeof Declarations.MembersImportResult>;
export type MemberList = Static<typeof Declarations.MemberList>;
export type MemberView = Static<typeof Declarations.MemberView>;
export type UpdateOrganisationBody = Static<typeof Declarations.UpdateOrganisationBody>;
export type VenueRuleView = Static<typeof Declarations.VenueRuleView>;
export type Answers = DeclarationBody['answers'];
