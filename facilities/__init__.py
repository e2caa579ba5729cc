"""The places behind the numbers: facilities per kelurahan, certificates, the items they feed."""
