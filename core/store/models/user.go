package models

import "time"

// User is the node operator's API account: an email and a bcrypt hash of
// the password.
type User struct {
	Email          string `gorm:"primaryKey;size:255"`
	HashedPassword string `gorm:"not null"`
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Session is a signed-in operator's session. Only the SHA-256 of the
// session token is stored, so a leaked database does not leak sessions.
type Session struct {
	ID         string    `gorm:"primaryKey;size:64"` // hex SHA-256 of the token
	Email      string    `gorm:"size:255;index;not null"`
	LastUsedAt time.Time `gorm:"not null"`
	CreatedAt  time.Time
}
