import { KYC_DOCUMENT_TYPES, type KycSubmissionData } from '@kasho/contracts';
import { DomainError, ErrorCode, type FieldError } from '@kasho/errors';
import { isCountry, isDate, isPastDate, validText } from '../customers/profile-validation';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const REFERENCE = /^[A-Za-z0-9._:/-]{1,200}$/;

/** A KYC submission, validated and normalised; any problem is 422 naming each field. */
export function parseKycSubmission(input: unknown, today = new Date()): KycSubmissionData {
  const errors: FieldError[] = [];
  const fail = (pointer: string, detail: string) => errors.push({ pointer, detail });
  if (!isRecord(input)) throw new DomainError(ErrorCode.ValidationFailed, 'The submission is not valid.');
  const fullName = validText(input.fullName, 200);
  if (!fullName) fail('/fullName', '1 to 200 characters.');
  if (!isPastDate(input.dateOfBirth, today)) fail('/dateOfBirth', 'A past date YYYY-MM-DD.');
  if (!isCountry(input.nationality)) fail('/nationality', 'An ISO 3166-1 alpha-2 code such as FR.');
  const document = isRecord(input.document) ? input.document : undefined;
  if (!document) fail('/document', 'Required: {type, number, issuingCountry, expiresOn}.');
  const type = document?.type;
  const number = validText(document?.number, 64);
  if (document) {
    if (typeof type !== 'string' || !(KYC_DOCUMENT_TYPES as readonly string[]).includes(type))
      fail('/document/type', `One of ${KYC_DOCUMENT_TYPES.join(', ')}.`);
    if (!number) fail('/document/number', '1 to 64 characters.');
    if (!isCountry(document.issuingCountry)) fail('/document/issuingCountry', 'An ISO 3166-1 alpha-2 code.');
    if (!isDate(document.expiresOn) || document.expiresOn < today.toISOString().slice(0, 10))
      fail('/document/expiresOn', 'A date YYYY-MM-DD that has not passed.');
  }
  const references = input.documentReferences;
  if (
    !Array.isArray(references) ||
    references.length < 1 ||
    references.length > 10 ||
    !references.every((reference) => typeof reference === 'string' && REFERENCE.test(reference))
  )
    fail('/documentReferences', '1 to 10 document references (letters, digits and ._:/-).');
  if (errors.length > 0 || !document || !fullName || !number)
    throw new DomainError(ErrorCode.ValidationFailed, 'The submission is not valid.', { errors });
  return {
    fullName,
    dateOfBirth: input.dateOfBirth as string,
    nationality: input.nationality as string,
    document: {
      type: type as KycSubmissionData['document']['type'],
      number,
      issuingCountry: document.issuingCountry as string,
      expiresOn: document.expiresOn as string,
    },
    documentReferences: references as string[],
  };
}
