package dikidi

import (
	"regexp"
	"strings"
)

var phoneRE = regexp.MustCompile(`^\+[1-9][0-9]{9,14}$`)

func (c *company) clientByPhone(phone string) *client {
	for _, id := range c.clientIDs {
		if c.clients[id].phone == phone {
			return c.clients[id]
		}
	}
	return nil
}

// clientEvent tells the keys that may see the client.
func (c *company) clientEvent(name string, o origin, cl *client, changed []string) {
	c.emit(name, o, func(k *key) map[string]any {
		data := map[string]any{"client": c.clientJSON(cl, k, onCard)}
		if changed != nil {
			data["changed_fields"] = changed
		}
		return data
	}, func(k *key) bool { return c.visibleClient(k, cl) })
}

// visibleClients are the clients key k may list, matching query, in id order.
func (c *company) visibleClients(k *key, query string) []*client {
	q := strings.ToLower(strings.TrimSpace(query))
	phones := k.perms.Clients.ShowPhones == PhonesEverywhere
	var out []*client
	for _, id := range c.clientIDs {
		cl := c.clients[id]
		if !c.visibleClient(k, cl) {
			continue
		}
		if q != "" {
			name := strings.ToLower(cl.name)
			if k.perms.Clients.ShowSurnames && cl.surname != nil {
				name += " " + strings.ToLower(*cl.surname)
			}
			digits := strings.Trim(q, "+")
			byPhone := phones && digits != "" && strings.Trim(digits, "0123456789") == "" && strings.Contains(cl.phone, digits)
			if !strings.Contains(name, q) && !byPhone {
				continue
			}
		}
		out = append(out, cl)
	}
	return out
}

// ClientChange is an edit of a client in the panel; SetSurname with a nil
// Surname clears it.
type ClientChange struct {
	Name       *string
	Surname    *string
	SetSurname bool
	Phone      *string
}

func (c *company) createClient(name string, surname *string, phone string) (*client, *Error) {
	var v invalid
	if strings.TrimSpace(name) == "" {
		v.add("name", "is required")
	}
	if !phoneRE.MatchString(phone) {
		v.add("phone", "must be E.164, for example +79161234501")
	} else if c.clientByPhone(phone) != nil {
		v.add("phone", "another client already has this phone")
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	c.nextClient++
	cl := &client{id: c.nextClient, name: name, surname: surname, phone: phone}
	c.clients[cl.id] = cl
	c.clientIDs = append(c.clientIDs, cl.id)
	c.clientEvent(EventClientCreated, origin{kind: SourcePanel}, cl, nil)
	return cl, nil
}

func (c *company) updateClient(id int64, in ClientChange) (*client, *Error) {
	cl, ok := c.clients[id]
	var v invalid
	if in.Name != nil && strings.TrimSpace(*in.Name) == "" {
		v.add("name", "must not be empty")
	}
	if in.Phone != nil {
		if !phoneRE.MatchString(*in.Phone) {
			v.add("phone", "must be E.164, for example +79161234501")
		} else if other := c.clientByPhone(*in.Phone); other != nil && other.id != id {
			v.add("phone", "another client already has this phone")
		}
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	if !ok {
		return nil, notFound("Client %d not found.", id)
	}
	var changed []string
	if in.Name != nil && *in.Name != cl.name {
		cl.name = *in.Name
		changed = append(changed, "name")
	}
	if in.SetSurname && !sameString(in.Surname, cl.surname) {
		cl.surname = in.Surname
		changed = append(changed, "surname")
	}
	if in.Phone != nil && *in.Phone != cl.phone {
		cl.phone = *in.Phone
		changed = append(changed, "phone")
	}
	if len(changed) > 0 {
		c.clientEvent(EventClientUpdated, origin{kind: SourcePanel}, cl, changed)
	}
	return cl, nil
}

func sameString(a, b *string) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}
