package dikidi

import "net/http"

// WholeStateStep is the text every scenario that changes anything ends with.
const WholeStateStep = wholeState

// WithPartnerWrapper stands wrap in front of the bundled partner's driver.
func WithPartnerWrapper(p Platform, wrap func(http.Handler) http.Handler) Platform {
	p.wrap = wrap
	return p
}

// DecodeView checks a view's JSON against the driver contract, as a run does.
func DecodeView(name string, raw []byte) error {
	var out any
	return decodeView(name, raw, &out)
}
