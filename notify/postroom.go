package notify

import "context"

// PostRoomProviderName is the provider name of letters left for the hospital's post room.
const PostRoomProviderName = "postroom"

// PostRoom hands letters to the hospital's own post room: the notification row, now sent, waits in
// the post room's queue until staff print the batch and mark it posted.
type PostRoom struct{}

// Name is "postroom".
func (PostRoom) Name() string { return PostRoomProviderName }

// Send accepts the letter into the queue; its reference is the hub's own.
func (PostRoom) Send(ctx context.Context, m Message) (string, error) { return "postroom:" + m.Ref, nil }
