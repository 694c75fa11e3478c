/** An SCM SCEP profile as the API answers it: a dynamic challenge (its password encrypted), and a field the provider does not model. */
export const SCM_ANSWER = {
  id: "123e4567-e89b-12d3-a456-426655440000",
  folder: "Shared",
  name: "p",
  scep_challenge: { dynamic: { otp_server_url: "https://otp.example.com", username: "u", password: "-AQ==enc" } },
  ca_identity_name: "CA",
  algorithm: { rsa: { rsa_nbits: 2048 } },
  digest: "sha256",
  scep_url: "https://scep.example.com/scep",
  unmodelled: { kept: true },
};
