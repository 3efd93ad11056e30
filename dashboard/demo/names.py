"""Given and family names the demo draws learners from (a mix, as a real school's would be)."""

FIRST_NAMES = (
    "Aaliyah", "Aarav", "Abigail", "Adebayo", "Aiko", "Alejandro", "Amara", "Amelia", "Ana",
    "Andrei", "Anika", "Arjun", "Astrid", "Ben", "Bianca", "Carlos", "Chen", "Chloe", "Daniel",
    "Darius", "Deepa", "Diego", "Elena", "Elif", "Emeka", "Emma", "Ethan", "Fatima", "Felix",
    "Freya", "Gabriel", "Grace", "Hana", "Hassan", "Ines", "Isabel", "Ivan", "Jack", "Jamal",
    "Javier", "Jin", "Julia", "Kai", "Karin", "Keanu", "Kofi", "Lars", "Layla", "Leila", "Liam",
    "Lucia", "Maya", "Mateo", "Mei", "Mohammed", "Nadia", "Nathan", "Niamh", "Noah", "Nora",
    "Olga", "Omar", "Oscar", "Priya", "Rafael", "Rahul", "Rosa", "Ruth", "Samir", "Sara",
    "Sean", "Sofia", "Sven", "Tariq", "Thandiwe", "Tomás", "Uma", "Victor", "Wei", "Yara",
    "Yusuf", "Zainab", "Zoe",
)  # fmt: skip

LAST_NAMES = (
    "Abe", "Adeyemi", "Ahmed", "Alvarez", "Andersen", "Baker", "Banerjee", "Becker", "Bianchi",
    "Brennan", "Campbell", "Castillo", "Chen", "Costa", "Dahl", "Das", "Dubois", "Eriksson",
    "Fernandes", "Fischer", "Garcia", "Gonzalez", "Gupta", "Haddad", "Hansen", "Hughes", "Ibrahim",
    "Ivanova", "Jensen", "Johnson", "Kaur", "Kim", "Kowalski", "Kumar", "Laurent", "Lee",
    "Lindqvist", "Lopez", "Mahlangu", "Martin", "Mensah", "Moreau", "Müller", "Murphy", "Nakamura",
    "Nguyen", "Novak", "O'Brien", "Okafor", "Olsen", "Park", "Patel", "Pereira", "Petrov",
    "Quinn", "Reyes", "Rossi", "Sato", "Schmidt", "Shah", "Silva", "Singh", "Smith", "Sørensen",
    "Tanaka", "Taylor", "Thompson", "Torres", "Wagner", "Walsh", "Wang", "Williams", "Wilson",
    "Yamamoto", "Yilmaz", "Zhang",
)  # fmt: skip
