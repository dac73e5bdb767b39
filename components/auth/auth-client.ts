import { createAuthClient } from 'better-auth/react';

const client = createAuthClient();

export const signIn = client.signIn;
export const signOut = () => client.signOut();
