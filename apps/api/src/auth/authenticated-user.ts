export interface AuthenticatedUser {
  readonly id: string;
}
