package container

// The environment a partner image receives: its contract with accord,
// documented in docs/partner-image.md. accord sets the first four; the
// caller's --partner-env entries come last and win.
const (
	// EnvPlatform names the platform the run accepts against (docplanner).
	EnvPlatform = "ACCORD_PLATFORM"
	// EnvPartnerAddr is the host:port the partner's driver and its PUSH
	// receiver must listen on, inside the container.
	EnvPartnerAddr = "ACCORD_PARTNER_ADDR"
	// EnvPartnerPublicURL is how the mock platform reaches the partner: the
	// base of its callback URLs.
	EnvPartnerPublicURL = "ACCORD_PARTNER_PUBLIC_URL"
	// EnvMockURL is the mock platform's base URL as the container reaches it.
	// The sandbox credentials of each scenario arrive with POST /reset.
	EnvMockURL = "ACCORD_MOCK_URL"
	// EnvFault starts the reference partner image with named faults
	// (comma-separated); other images ignore it.
	EnvFault = "ACCORD_FAULT"
)
