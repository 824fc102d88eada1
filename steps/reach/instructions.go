package reach

// instructions are what the customer does in the partner's product, for the
// operator of a joint session (accord session): action → text/template of
// its params; "action.field" asks for a field of the action's result.
var instructions = map[string]string{
	"authorize": `As the customer, open your product's OAuth consent page for Reach and press Allow:
client_id {{.client_id}}, scope {{.scope}}, redirect_uri {{.redirect_uri}}, state {{.state}}.
The browser is then sent to the redirect URI with a code; copy that address.`,
	"authorize.redirect": "The address the browser was sent to (it starts with the redirect URI)",
}
