import { z } from 'zod';
import { emailField, oneTimeTokenField, passwordField } from './identity-fields.dto';

export const passwordForgotBody = z.strictObject({ email: emailField });

export const passwordResetBody = z.strictObject({ token: oneTimeTokenField, newPassword: passwordField });

export const passwordChangeBody = z.strictObject({
  currentPassword: passwordField,
  newPassword: passwordField,
});
