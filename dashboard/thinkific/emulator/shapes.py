"""How the emulated objects look on the wire (spec schemas GroupResponse, UserResponse, ...)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from .state import Course, Enrollment, Group, Store, User


def timestamp(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC with milliseconds, as Thinkific writes them: 2018-07-12T23:19:00.154Z."""
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_timestamp(value: str) -> datetime:
    """Read an ISO 8601 date-time (a trailing Z is UTC; a naive one is taken as UTC)."""
    moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def group(item: Group) -> dict[str, Any]:
    return {
        "id": item.id,
        "name": item.name,
        "token": item.token,
        "created_at": timestamp(item.created_at),
    }


def user(item: User) -> dict[str, Any]:
    return {
        "id": item.id,
        "created_at": timestamp(item.created_at),
        "first_name": item.first_name,
        "last_name": item.last_name,
        "full_name": f"{item.first_name} {item.last_name}".strip(),
        "company": item.company,
        "email": item.email,
        "roles": list(item.roles),
        "avatar_url": item.avatar_url,
        "bio": item.bio,
        "headline": item.headline,
        "affiliate_code": item.affiliate_code,
        "external_source": item.external_source,
        "affiliate_commission": item.affiliate_commission,
        "affiliate_commission_type": item.affiliate_commission_type,
        "affiliate_payout_email": item.affiliate_payout_email,
        "administered_course_ids": list(item.administered_course_ids),
        "custom_profile_fields": [dict(f) for f in item.custom_profile_fields],
    }


def course(item: Course) -> dict[str, Any]:
    return {
        "id": item.id,
        "name": item.name,
        "slug": item.slug,
        "subtitle": "",
        "product_id": item.product_id,
        "description": item.description,
        "course_card_text": item.description,
        "intro_video_youtube": "",
        "contact_information": "",
        "keywords": "",
        "duration": "",
        "banner_image_url": "",
        "course_card_image_url": "",
        "intro_video_wistia_identifier": "",
        "administrator_user_ids": [],
        "chapter_ids": list(item.chapter_ids),
        "reviews_enabled": item.reviews_enabled,
        "user_id": 1,
        "instructor_id": item.instructor_id,
    }


def is_expired(item: Enrollment, now: datetime) -> bool:
    return item.expiry_date is not None and item.expiry_date <= now


def enrollment(item: Enrollment, store: Store, now: datetime) -> dict[str, Any]:
    owner, subject = store.users.get(item.user_id), store.courses.get(item.course_id)
    return {
        "id": item.id,
        "user_email": owner.email if owner else "",
        "user_name": f"{owner.first_name} {owner.last_name}".strip() if owner else "",
        "user_id": item.user_id,
        "course_name": subject.name if subject else "",
        "course_id": item.course_id,
        "percentage_completed": item.percentage_completed,
        "expired": is_expired(item, now),
        "is_free_trial": item.activated_at is None,
        "completed": item.completed_at is not None,
        "started_at": timestamp(item.created_at),
        "activated_at": timestamp(item.activated_at),
        "completed_at": timestamp(item.completed_at),
        "updated_at": timestamp(item.updated_at),
        "expiry_date": timestamp(item.expiry_date),
    }
