package dev.sirocco.cli;

/** Parses {@code --tokens 1,2,3}. */
final class TokenList {
    private TokenList() {
    }

    static int[] parse(String csv, String option) {
        String[] parts = csv.split(",");
        int[] ids = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                ids[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new BadInputException(option + ": item " + (i + 1) + " '" + parts[i].trim()
                        + "' is not a token id; expected comma-separated integers like 1,2,3");
            }
        }
        return ids;
    }
}
